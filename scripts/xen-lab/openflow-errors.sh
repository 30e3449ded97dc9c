# Sourced by controller-lab.sh and switch-lab.sh (bash): reading what a peer sent back.

# errors_in HEX: the OFPT_ERRORs (type 1) in a hex stream of OpenFlow messages, one per
# line, each whole (header, type, code, data).
errors_in() {
    local hex=$1 length
    while ((${#hex} >= 16)); do
        length=$((16#${hex:4:4}))
        ((length >= 8)) || break
        [ "${hex:2:2}" != 01 ] || echo "${hex:0:length*2}"
        hex=${hex:length*2}
    done
}

# error_codes ERRORS: "TYPE/CODE " (hex) for each line of errors_in's output.
error_codes() {
    local e
    while read -r e; do [ -z "$e" ] || printf '%s/%s ' "${e:16:4}" "${e:20:4}"; done <<< "$1"
}
