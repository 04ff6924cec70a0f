// LastLookup: the last key looked up in a std::map and what it found (nullptr: absent).
//
// The RFC 7761 macros (macros.hpp) ask the TIB and the local membership table about the same few keys many
// times while one (S,G) is evaluated; a repeat then costs a compare instead of a tree walk. The owner calls
// forget() on every insert into and erase from the map: map node pointers are stable otherwise, and the entry
// a pointer designates may change freely.
#pragma once

#include <optional>

namespace fanout::pim {

template <typename Key, typename Value>
class LastLookup {
  public:
    // Value is the map's mapped_type, const when the map is looked up through a const reference.
    template <typename Map>
    Value* find(Map& map, const Key& key) {
        if (key_ && *key_ == key) return value_;
        auto it = map.find(key);
        key_ = key;
        value_ = it == map.end() ? nullptr : &it->second;
        return value_;
    }
    void forget() { key_.reset(); }

  private:
    std::optional<Key> key_;
    Value* value_ = nullptr;
};

}  // namespace fanout::pim
