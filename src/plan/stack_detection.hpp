#pragma once
// "Without flags, use what the user has": the releases no flag named, chosen from the firmware image the
// VM's description names (SeaBIOS by its VERSION string, OVMF by its SHA-256) and from the host snapshot's
// installed packages, each choice recording where it came from and what had a say but could not choose
// (plan/stack_choice.hpp). Precedence: a flag > the firmware image > the host's packages > the default; a
// choice a flag made is never touched.

#include <optional>
#include <string>

#include "firmware/ovmf/ovmf_image.hpp"
#include "firmware/seabios/seabios_image.hpp"
#include "host/host_snapshot.hpp"
#include "plan/plan.hpp"

namespace aperture {

// The QEMU release from the host's qemu-system-x86 package ("1:10.0.2+ds-2+deb13u1~bpo12+1" -> 10.0), or on a
// Proxmox VE host its pve-qemu-kvm ("9.2.0-5" -> 9.2).
// Runs before the description is read: the readers need the release.
void choose_qemu_from_host(PlanOptions& options, const HostSnapshot& host);

// The SeaBIOS release: from `image` (what examine_seabios_image said of the -bios or <loader> file at
// `image_path`; nullopt when the description names none), then from the host's seabios package when a
// host snapshot is in use. An image read but not recognised keeps the default: the host's package says
// nothing about a file the user built or copied.
void choose_seabios_release(PlanOptions& options, const std::string& image_path, const std::optional<SeabiosImage>& image,
                            const HostSnapshot* host);

// The OVMF release the same way: from `image` (what examine_ovmf_image said of the pflash unit 0, -bios or
// <loader> file), then from the host's ovmf (or ovmf-generic) package. A recognised SMM build adds the
// caveat that it is planned as the build without SMM.
void choose_ovmf_release(PlanOptions& options, const std::string& image_path, const std::optional<OvmfImage>& image,
                         const HostSnapshot* host);

// The one for the firmware the plan will run (effective_firmware): examines an image of that firmware the
// description names, read-only. `host` is nullptr when no host snapshot is in use.
void choose_firmware_release(PlanOptions& options, const VmSpec& spec, const HostSnapshot* host);

}  // namespace aperture
