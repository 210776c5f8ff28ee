// Plans a VM from a QEMU command line through aperture's library, as a scheduler would, and prints whether
// it will work, the stack modelled, and every BAR with the address the firmware gives it, read from the
// plan's plain-struct view (no JSON parsing):
//   plan_summary -machine q35 -m 8G -device vfio-pci,host=01:00.0
// Exit status: 0 it works, 1 it fails, 2 aperture could not read or model it.
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <string>
#include <variant>
#include <vector>

#include "app/use_cases.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
    aperture::app::PlanRequest request;
    request.vm.source.qemu_args.assign(argv + 1, argv + argc);
    try {
        const aperture::app::PlanResult result = aperture::app::plan(request);
        const aperture::PlanView view = aperture::app::view(result);
        std::printf("prediction: %s (%s)\nstack: %s %s, %s\n", view.failed() ? "fails" : "works", view.outcome_text.c_str(),
                    view.stack.hypervisor.c_str(), view.stack.machine.c_str(), view.stack.firmware.c_str());
        for (const auto& region : view.regions) {
            const auto* bar = std::get_if<aperture::PciBarOwner>(&region.owner);
            if (bar == nullptr) continue;
            std::printf("  %s %s BAR%d [0x%" PRIx64 ", 0x%" PRIx64 "]\n", view.function(*bar).bdf.to_string().c_str(),
                        view.function(*bar).name().c_str(), bar->bar, region.range.first(), region.range.last());
        }
        for (const auto& dropped : view.dropped) {
            std::printf("  %s %s: unassigned (%s)\n", dropped.bdf.to_string().c_str(), dropped.what.c_str(), dropped.reason.c_str());
        }
        return view.failed() ? 1 : 0;
    } catch (const aperture::InputError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    } catch (const aperture::UnsupportedError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    } catch (const aperture::ArithmeticError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    }
    return 2;
}
