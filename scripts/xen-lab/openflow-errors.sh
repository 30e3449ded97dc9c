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

# malformed_verdicts HOSTED CASE... : one check per malformed-input case, from the
# caller's `malformed[CASE:domu]` and `malformed[CASE:HOSTED]` (hex streams) and its
# `verdict NAME 0|1 DETAIL`. Each CASE is "NAME TYPE/CODE WHAT" (hex type/code): the
# domU's OFPT_ERRORs must be the hosted build's, byte for byte, and of that type/code.
malformed_verdicts() {
    local hosted_name=$1 expected case_ want what domu hosted codes
    shift
    for expected in "$@"; do
        read -r case_ want what <<< "$expected"
        domu=$(errors_in "${malformed[$case_:domu]:-}")
        hosted=$(errors_in "${malformed[$case_:$hosted_name]:-}")
        codes=$(error_codes "$domu")
        if [ -z "$domu" ] || [ -z "$hosted" ]; then
            verdict "malformed-$case_" 0 "no OFPT_ERROR from $([ -z "$domu" ] && echo "the domU ")$([ -z "$hosted" ] && echo "the hosted $hosted_name")"
        elif [ "$domu" != "$hosted" ]; then
            verdict "malformed-$case_" 0 "the OFPT_ERRORs differ: domU $domu, $hosted_name $hosted"
        elif [ "$codes" != "$want " ]; then
            verdict "malformed-$case_" 0 "both answered type/code ${codes% }, expected $want ($what)"
        else
            verdict "malformed-$case_" 1 "the same OFPT_ERROR from the domU and the hosted $hosted_name, $what ($want), $((${#domu} / 2)) bytes"
        fi
    done
}
