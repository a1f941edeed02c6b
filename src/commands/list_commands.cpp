// Placeholder until the list family lands (issue 9).
#include "command_table.h"

namespace mini_redis {

void registerListCommands(CommandTable&) {}

}  // namespace mini_redis
