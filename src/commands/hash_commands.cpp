// Placeholder until the hash family lands (issue 9).
#include "command_table.h"

namespace mini_redis {

void registerHashCommands(CommandTable&) {}

}  // namespace mini_redis
