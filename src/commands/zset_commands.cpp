// Placeholder until the zset family lands (issue 9).
#include "command_table.h"

namespace mini_redis {

void registerZSetCommands(CommandTable&) {}

}  // namespace mini_redis
