#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for reading, without
/// waiting for it: Swift has no prefetch, and plain loads whose values go unused are
/// removed by the optimiser (or, kept, stall retirement until they arrive).
static inline void cordon_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
