// Plans a VM from a QEMU command line through aperture's library, as a scheduler would, and prints whether
// it will work, the stack modelled and the plan as JSON:
//   plan_summary -machine q35 -m 8G -device vfio-pci,host=01:00.0
// Exit status: 0 it works, 1 it fails, 2 aperture could not read or model it.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/use_cases.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
    aperture::app::PlanRequest request;
    request.vm.source.qemu_args.assign(argv + 1, argv + argc);
    request.format = aperture::app::OutputFormat::Json;
    try {
        const aperture::app::PlanResult result = aperture::app::plan(request);
        const bool works = result.prediction == aperture::app::Prediction::Works;
        std::printf("prediction: %s\n%s\n", works ? "works" : "fails", result.output.c_str());
        return works ? 0 : 1;
    } catch (const aperture::InputError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    } catch (const aperture::UnsupportedError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    } catch (const aperture::ArithmeticError& e) {
        std::fprintf(stderr, "plan_summary: %s\n", e.what());
    }
    return 2;
}
