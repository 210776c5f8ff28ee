#include "machine/x86_apic_ids.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

SmpSpec smp(unsigned max_cpus, unsigned sockets, unsigned cores, unsigned threads, unsigned dies = 1) {
    SmpSpec s;
    s.max_cpus = max_cpus;
    s.sockets = sockets;
    s.cores = cores;
    s.threads = threads;
    s.dies = dies;
    return s;
}

TEST(X86ApicIdLimit, SocketsOnlyCountOneByOne) { EXPECT_EQ(x86_apic_id_limit(smp(8, 8, 1, 1)), 8u); }

TEST(X86ApicIdLimit, OneCpu) { EXPECT_EQ(x86_apic_id_limit(smp(1, 1, 1, 1)), 1u); }

// Three cores take two bits: package 1's first core has APIC ID 4, its last (index 5) ID 6.
TEST(X86ApicIdLimit, ThreeCoresLeaveAHolePerPackage) { EXPECT_EQ(x86_apic_id_limit(smp(6, 2, 3, 1)), 7u); }

TEST(X86ApicIdLimit, ThreadsCoresAndDies) {
    // 2 threads (1 bit), 3 cores (2 bits), 2 dies (1 bit): index 23 is package 1, die 1, core 2, thread 1.
    EXPECT_EQ(x86_apic_id_limit(smp(24, 2, 3, 2, 2)), ((1u << 4) | (1u << 3) | (2u << 1) | 1u) + 1);
}

TEST(X86ApicIdLimit, PowerOfTwoTopologyIsMaxCpus) { EXPECT_EQ(x86_apic_id_limit(smp(64, 4, 8, 2)), 64u); }

}  // namespace
}  // namespace aperture
