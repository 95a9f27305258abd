#pragma once

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <utility>

/// Where a connection's memory comes from.
///
/// A connection's blocks, allocated with malloc like everything else, interleave on the heap with
/// the few small objects that outlive it (Asio keeps each socket's reactor state in a pool for
/// reuse). After a burst of connections closes (1,000 slow clients), the freed holes share pages
/// with those live objects and malloc cannot hand the pages back: the server's RSS stayed about
/// 4 KiB per connection above where it was before the burst. So what a connection holds while it
/// is open lives in pages of its own, returned whole when it closes: the Session (with its socket,
/// timer, parser and buffers' bookkeeping), its read buffer, and the memory of its pending
/// asynchronous operations.
namespace newsq::server {

/// An allocator that takes whole pages from the kernel (mmap) and gives them back on release
/// (munmap), bypassing malloc. Costs two system calls per block and up to a page of rounding, so
/// it is for a few long-lived blocks per connection, not for each operation.
template <class T>
class PageAllocator {
 public:
  using value_type = T;

  PageAllocator() = default;
  template <class U>
  PageAllocator(const PageAllocator<U>&) noexcept {}  // NOLINT: allocators convert implicitly

  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    void* pages = ::mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(pages);
  }

  void deallocate(T* pointer, std::size_t n) noexcept { ::munmap(pointer, n * sizeof(T)); }

  template <class U>
  bool operator==(const PageAllocator<U>&) const noexcept {
    return true;
  }
};

/// A few fixed slots for one connection's pending asynchronous operations (a read or write and
/// its deadline), reused for every request on the connection, so that they neither go to the
/// heap nor come back from it on each request. An operation too large for a slot, or one beyond
/// the slots in use, falls back to operator new. Operations are allocated on the connection's
/// strand but may be freed on any I/O thread, so slots are claimed with atomics.
class HandlerMemory {
 public:
  static constexpr std::size_t kSlotBytes = 1024;
  static constexpr std::size_t kSlots = 3;

  void* allocate(std::size_t bytes) {
    if (bytes <= kSlotBytes) {
      for (auto& slot : slots_) {
        bool expected = false;
        if (slot.used.compare_exchange_strong(expected, true, std::memory_order_acquire))
          return slot.storage;
      }
    }
    return ::operator new(bytes);
  }

  void deallocate(void* pointer) noexcept {
    for (auto& slot : slots_) {
      if (pointer == slot.storage) {
        slot.used.store(false, std::memory_order_release);
        return;
      }
    }
    ::operator delete(pointer);
  }

 private:
  struct Slot {
    alignas(std::max_align_t) unsigned char storage[kSlotBytes];
    std::atomic<bool> used{false};
  };
  std::array<Slot, kSlots> slots_;
};

/// The allocator bound to a connection's completion handlers (net::bind_allocator). It shares
/// ownership of the HandlerMemory: Asio may destroy an operation's handler (and with it the last
/// reference to the Session) before it frees the operation's memory, so the memory must not
/// live inside the Session.
template <class T>
class HandlerAllocator {
 public:
  using value_type = T;

  explicit HandlerAllocator(std::shared_ptr<HandlerMemory> memory) noexcept
      : memory_(std::move(memory)) {}
  // Copies only: an allocator must stay usable and equal after it is moved from, and a moved
  // shared_ptr would be empty.
  HandlerAllocator(const HandlerAllocator&) noexcept = default;
  HandlerAllocator& operator=(const HandlerAllocator&) noexcept = default;
  template <class U>
  HandlerAllocator(const HandlerAllocator<U>& other) noexcept  // NOLINT: allocators convert
      : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(n * sizeof(T))); }
  void deallocate(T* pointer, std::size_t) noexcept { memory_->deallocate(pointer); }

  template <class U>
  bool operator==(const HandlerAllocator<U>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class>
  friend class HandlerAllocator;
  std::shared_ptr<HandlerMemory> memory_;
};

}  // namespace newsq::server
