// Placeholder until the set family lands (issue 9).
#include "command_table.h"

namespace mini_redis {

void registerSetCommands(CommandTable&) {}

}  // namespace mini_redis
