// What the CLIENT family shares with the connection family (HELLO ... SETNAME).
#pragma once

#include <string_view>

namespace mini_redis {

// Why a client name is refused (an error text), or nullptr when it is fine: Redis's rule
// (printable ASCII, no spaces) plus a length bound of ours. CLIENT SETNAME and HELLO SETNAME.
const char* clientNameError(std::string_view name);

}  // namespace mini_redis
