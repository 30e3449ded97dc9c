// libpcap (Debian's libpcap-dev), for live capture and injection on an interface.
#include <pcap/pcap.h>
