"""Starts os-ken with our learning app on a given port. os-ken 4 ships no
osken-manager script, so this does what that script did: parse the config, load the
app (the OpenFlow handler comes with it), and run until interrupted."""

import os
import sys

from os_ken import cfg
from os_ken.base.app_manager import AppManager
from os_ken.lib import hub
import os_ken.controller.controller  # noqa: F401  (registers the listen options)


def main():
    port = sys.argv[1] if len(sys.argv) > 1 else "6653"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    cfg.CONF(args=["--ofp-tcp-listen-port", port, "--ofp-listen-host", "127.0.0.1"], project="os_ken")
    manager = AppManager.get_instance()
    manager.load_apps(["osken_learning"])
    services = manager.instantiate_apps(**manager.create_contexts())
    try:
        hub.joinall(services)
    finally:
        manager.close()


if __name__ == "__main__":
    main()
