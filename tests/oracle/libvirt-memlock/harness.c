/* One-off: call Debian 12's real qemuDomainGetMemLockLimitBytes (libvirt 9.0.0-4+deb12u2) on hand-built
   virDomainDef structures (offsets from the disassembly). Prints: name bytes */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
typedef unsigned long long ull;
typedef ull (*fn_t)(void *def, int forceVFIO);
static void put64(char *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static void put32(char *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void putptr(char *p, size_t off, void *v) { memcpy(p + off, &v, 8); }
static fn_t fn;
/* case: arch(0 x86,1 ppc64) kvm mem_kib max_kib hard(0=unset) locked pci mdev nvme vdpa iommu phbs */
static void run(const char *name, int ppc, int kvm, ull mem, ull maxm, long long hard, int locked, int pci, int mdev, int nvme, int vdpa, int iommu, int phbs) {
    char *def = calloc(1, 4096);
    put32(def, 0, kvm ? 3 : 1);
    put64(def, 0x60, mem);
    put64(def, 0x80, maxm);
    def[0x8d] = (char)locked;
    put64(def, 0x98, hard < 0 ? 9007199254740991ULL : (ull)hard);
    put32(def, 0x228, ppc ? 0x16 : 0x1f);
    void **hostdevs = calloc(16, sizeof(void *));
    int n = 0;
    for (int i = 0; i < pci; i++) { char *h = calloc(1, 512); put32(h, 0x8, 0); put32(h, 0x18, 1); put32(h, 0x48, 2); put32(h, 0x20, 0x1); put32(h, 0x24, 0x1); hostdevs[n++] = h; }
    for (int i = 0; i < mdev; i++) { char *h = calloc(1, 512); put32(h, 0x18, 4); hostdevs[n++] = h; }
    put64(def, 0x540, n); putptr(def, 0x548, hostdevs);
    void **disks = calloc(16, sizeof(void *));
    for (int i = 0; i < nvme; i++) { char *src = calloc(1, 1024); put32(src, 0x1c, 6); char *d = calloc(1, 512); putptr(d, 0, src); disks[i] = d; }
    put64(def, 0x4c0, nvme); putptr(def, 0x4c8, disks);
    void **nets = calloc(16, sizeof(void *));
    for (int i = 0; i < vdpa; i++) { char *net = calloc(1, 512); put32(net, 0, 0xc); nets[i] = net; }
    put64(def, 0x4f0, vdpa); putptr(def, 0x4f8, nets);
    void **conts = calloc(16, sizeof(void *));
    for (int i = 0; i < phbs; i++) { char *c = calloc(1, 512); put32(c, 0, 7); put32(c, 0x8, 0); put32(c, 0x30, 9); conts[i] = c; }
    put64(def, 0x4d0, phbs); putptr(def, 0x4d8, conts);
    if (iommu) putptr(def, 0x668, calloc(1, 256));
    printf("%s %llu\n", name, fn(def, 0));
}
int main(int argc, char **argv) {
    if (!dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL)) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    void *drv = dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL);
    if (!drv) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    fn = (fn_t)dlsym(drv, "qemuDomainGetMemLockLimitBytes");
    if (!fn) { fprintf(stderr, "no symbol\n"); return 1; }
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char name[128]; int ppc, kvm, locked, pci, mdev, nvme, vdpa, iommu, phbs; ull mem, maxm; long long hard;
        if (sscanf(line, "%127s %d %d %llu %llu %lld %d %d %d %d %d %d %d", name, &ppc, &kvm, &mem, &maxm, &hard, &locked, &pci, &mdev, &nvme, &vdpa, &iommu, &phbs) == 13)
            run(name, ppc, kvm, mem, maxm, hard, locked, pci, mdev, nvme, vdpa, iommu, phbs);
    }
    return 0;
}
