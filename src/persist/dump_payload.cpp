// DumpPayload: ValueCodec plus Redis's DUMP footer.
#include "dump_payload.h"

#include "crc64.h"
#include "rdb_format.h"

namespace mini_redis {

std::string DumpPayload::make(const KeyTable::Entry* e) {
    std::string out;
    RdbEncoder enc(out);
    enc.byte(ValueCodec::rdbType(e));
    ValueCodec::write(e, enc);
    enc.byte(static_cast<uint8_t>(kRdbVersion & 0xff));
    enc.byte(static_cast<uint8_t>((kRdbVersion >> 8) & 0xff));
    const uint64_t crc = Crc64::update(0, out.data(), out.size());
    for (int i = 0; i < 8; ++i) enc.byte(static_cast<uint8_t>((crc >> (8 * i)) & 0xff));
    return out;
}

bool DumpPayload::verify(std::string_view payload) {
    if (payload.size() < 10) return false;
    const auto* footer =
        reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10);
    const int version = footer[0] | (footer[1] << 8);
    if (version > kRdbVersion) return false;
    uint64_t want = 0;
    for (int i = 0; i < 8; ++i) want |= static_cast<uint64_t>(footer[2 + i]) << (8 * i);
    return Crc64::update(0, payload.data(), payload.size() - 8) == want;
}

bool DumpPayload::read(std::string_view payload, const CollectionLimits& limits,
                       DecodedValue& out) {
    RdbDecoder dec(payload.substr(0, payload.size() - 10));
    uint8_t type;
    if (!dec.byte(type) || !ValueCodec::read(type, dec, limits, out)) return false;
    return out.type == ValueType::String || out.coll != nullptr;
}

}  // namespace mini_redis
