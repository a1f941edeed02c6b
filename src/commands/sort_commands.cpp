// Placeholder until the sort family lands (issue 9).
#include "command_table.h"

namespace mini_redis {

void registerSortCommands(CommandTable&) {}

}  // namespace mini_redis
