// Where a connection's memory comes from: whole pages, and a few reused slots for its pending
// operations.
#include "session_memory.hpp"

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using newsq::server::HandlerAllocator;
using newsq::server::HandlerMemory;
using newsq::server::PageAllocator;

TEST_CASE("PageAllocator gives writable blocks and takes them back", "[session_memory]") {
  PageAllocator<char> pages;
  char* block = pages.allocate(10000);
  REQUIRE(block != nullptr);
  std::memset(block, 'x', 10000);  // all of it is ours
  CHECK(block[9999] == 'x');
  pages.deallocate(block, 10000);

  // Through allocate_shared, as the server allocates its sessions.
  auto shared = std::allocate_shared<std::vector<int>>(PageAllocator<std::vector<int>>(), 3, 7);
  CHECK(shared->size() == 3);
  CHECK(PageAllocator<int>() == PageAllocator<char>());
}

TEST_CASE("HandlerMemory reuses its slots and falls back to the heap", "[session_memory]") {
  HandlerMemory memory;
  std::vector<void*> held;
  for (std::size_t i = 0; i < HandlerMemory::kSlots; ++i) held.push_back(memory.allocate(100));
  // Beyond the slots, and above a slot's size: the heap, still usable.
  void* extra = memory.allocate(100);
  void* large = memory.allocate(HandlerMemory::kSlotBytes + 1);
  std::memset(extra, 0, 100);
  std::memset(large, 0, HandlerMemory::kSlotBytes + 1);
  for (void* slot : held) {
    CHECK(slot != extra);
    CHECK(slot != large);
  }
  memory.deallocate(extra);
  memory.deallocate(large);
  // A freed slot is the next one handed out.
  memory.deallocate(held[1]);
  CHECK(memory.allocate(64) == held[1]);
  for (void* slot : held) memory.deallocate(slot);
}

TEST_CASE("a HandlerAllocator stays usable and equal after it is moved from",
          "[session_memory]") {
  auto memory = std::make_shared<HandlerMemory>();
  HandlerAllocator<int> original(memory);
  HandlerAllocator<int> moved(std::move(original));
  CHECK(moved == original);  // NOLINT: the point is that it is still valid
  int* a = original.allocate(4);
  int* b = moved.allocate(4);
  CHECK(a != b);
  moved.deallocate(a, 4);
  original.deallocate(b, 4);
  HandlerAllocator<double> rebound(moved);
  CHECK(rebound == HandlerAllocator<double>(memory));
  CHECK_FALSE(rebound == HandlerAllocator<double>(std::make_shared<HandlerMemory>()));
}
