import random
# name ppc64 kvm memory_kib max_memory_kib hard_limit_kib(-1 unset) locked pci mdev nvme vdpa viommu phbs
print("""
pc-kvm 0 1 1048576 0 -1 0 0 0 0 0 0 0
pc-tcg 0 0 1048576 0 -1 0 0 0 0 0 0 0
pc-hardlimit 0 1 1048576 0 2097152 0 0 0 0 0 0 0
pc-locked 0 1 1048576 0 -1 1 0 0 0 0 0 0
pc-hostdev 0 1 1048576 0 -1 0 1 0 0 0 0 0
pc-hostdev-nvme 0 1 1048576 0 -1 0 1 0 1 0 0 0
pc-hardlimit+locked 0 1 1048576 0 2097152 1 0 0 0 0 0 0
pc-hardlimit+hostdev 0 1 1048576 0 2097152 0 1 0 0 0 0 0
pc-hardlimit+locked+hostdev 0 1 1048576 0 2097152 1 1 0 0 0 0 0
pc-locked+hostdev 0 1 1048576 0 -1 1 1 0 0 0 0 0
pseries-kvm 1 1 1048576 0 -1 0 0 0 0 0 0 1
pseries-tcg 1 0 1048576 0 -1 0 0 0 0 0 0 1
pseries-hardlimit 1 1 1048576 0 2097152 0 0 0 0 0 0 1
pseries-locked 1 1 1048576 0 -1 1 0 0 0 0 0 1
pseries-hostdev 1 1 1048576 0 -1 0 1 0 0 0 0 2
pseries-hardlimit+locked 1 1 1048576 0 2097152 1 0 0 0 0 0 1
pseries-hardlimit+hostdev 1 1 1048576 0 2097152 0 1 0 0 0 0 2
pseries-hardlimit+locked+hostdev 1 1 1048576 0 2097152 1 1 0 0 0 0 2
pseries-locked+hostdev 1 1 1048576 0 -1 1 1 0 0 0 0 2
""".strip())
r = random.Random(90)
for i in range(400):
    ppc = r.randint(0, 1); kvm = r.randint(0, 1)
    mem = r.choice([1048576, 4194304, 8388608, 16777216, 3 * 1048576 + 512, r.randint(1, 1 << 36)])
    maxm = r.choice([0, 0, mem * 2, mem + r.randint(0, 1 << 30)])
    hard = r.choice([-1] * 6 + [0, 2097152, r.randint(1, 1 << 40)])
    locked = 1 if r.random() < 0.1 else 0
    pci = r.choice([0, 0, 1, 2, 3, 8]); mdev = r.choice([0, 0, 0, 1, 2]); nvme = r.choice([0, 0, 1, 2]); vdpa = r.choice([0, 0, 1, 3]); iommu = r.randint(0, 1)
    phbs = r.choice([1, 1, 2, 3, 5]) if ppc else 0
    print(f"rand{i} {ppc} {kvm} {mem} {maxm} {hard} {locked} {pci} {mdev} {nvme} {vdpa} {iommu} {phbs}")
