// The bit family: SETBIT GETBIT BITCOUNT BITPOS BITOP (filled in by the strings-in-full work).
#include "command_context.h"

namespace mini_redis {

void registerBitCommands(CommandTable&) {}

}  // namespace mini_redis
