#include "cli/cli_definition.hpp"

#include <fmt/format.h>

#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/qemu_release.hpp"

namespace aperture::cli {

CliHandles define_cli(CLI::App& app, CliCommands& commands) {
    app.description("aperture: predicts the guest-physical address map QEMU and its firmware will build");
    app.name("aperture");
    app.require_subcommand(1);
    app.footer(kExitStatusHelp);
    app.set_version_flag("-V,--version", fmt::format("aperture {} (models {}, {}, OVMF {})", APERTURE_VERSION, default_qemu_release().display_name,
                                                  default_seabios_release().identity.display_name, default_ovmf_release().identity.tag));
    CliHandles handles;
    handles.plan = add_plan_subcommand(app, commands.plan);
    handles.check = add_check_subcommand(app, commands.check);
    for (CLI::App* command : {handles.plan, handles.check}) {
        command->footer(fmt::format("The VM: a QEMU command line after --, an @FILE holding one, --xml, --proxmox-cmd or --xl:\n"
                                    "  aperture {0} [OPTIONS] -- -machine q35 -m 16G -device vfio-pci,host=01:00.0 ...\n"
                                    "  aperture {0} [OPTIONS] @vm.args\n"
                                    "  virsh dumpxml VM | aperture {0} [OPTIONS] --xml -\n\n{1}",
                                    command->get_name(), kExitStatusHelp));
    }
    handles.fix = add_fix_subcommand(app, commands.fix);
    handles.host = add_host_subcommand(app, commands.host);
    handles.memlock = add_memlock_subcommand(app, commands.memlock);
    handles.devices = app.add_subcommand("devices", "List the QEMU device models aperture knows");
    handles.devices->add_option("--format", commands.devices_format, "Output format: text, or json (aperture-devices/2)")
        ->check(CLI::IsMember({"text", "json"}));
    return handles;
}

}  // namespace aperture::cli
