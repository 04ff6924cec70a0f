// Command sets shaped like what pimd and igmpd publish on `["__commands"]`, shared by the shell tests.
#pragma once

#include <nlohmann/json.hpp>

namespace fanout::shell::test {

inline nlohmann::json pimd_commands() {
    return nlohmann::json::parse(R"({"daemon": "pimd", "version": "0.1.0", "commands": [
      {"path": ["show","ip","pim","neighbor"], "help": "PIM neighbors",
       "args": [{"name": "IFNAME", "kind": "interface", "optional": true, "help": "only this interface"}]},
      {"path": ["show","ip","pim","interface"], "help": "PIM interfaces",
       "args": [{"name": "IFNAME", "kind": "interface", "optional": true}]},
      {"path": ["show","ip","mroute"], "help": "Multicast routing table",
       "args": [{"name": "GROUP", "kind": "group", "optional": true, "help": "only this group"}]},
      {"path": ["show","ip","msdp","peer"], "help": "MSDP peers"},
      {"path": ["show","ip","rpf"], "help": "RPF lookup",
       "args": [{"name": "ADDRESS", "kind": "address"}]},
      {"path": ["show","version"], "help": "Daemon version"},
      {"path": ["show","running-config"], "help": "Current configuration"},
      {"path": ["debug","pim"], "help": "Turn on a debug category",
       "args": [{"name": "CATEGORY", "kind": "category"}]},
      {"path": ["clear","ip","mroute"], "help": "Flush the multicast routing table"}
    ]})");
}

inline nlohmann::json igmpd_commands() {
    return nlohmann::json::parse(R"({"daemon": "igmpd", "version": "0.1.0", "commands": [
      {"path": ["show","ip","igmp","groups"], "help": "IGMP groups",
       "args": [{"name": "IFNAME", "kind": "interface", "optional": true}]},
      {"path": ["show","ip","igmp","sources"], "help": "IGMPv3 sources of a group",
       "args": [{"name": "GROUP", "kind": "group"}, {"name": "IFNAME", "kind": "interface", "optional": true}]},
      {"path": ["show","ip","igmp","interface"], "help": "IGMP interfaces"},
      {"path": ["show","version"], "help": "Daemon version"},
      {"path": ["show","running-config"], "help": "Current configuration"}
    ]})");
}

}  // namespace fanout::shell::test
