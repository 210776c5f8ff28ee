#pragma once
// aperture's use cases as functions: plan, check, fix, memlock, host, devices. Each takes a request value
// (app/request.hpp) and returns what it found and the output rendered in the format asked for; the caller
// writes it where it wants. Platform dispatch happens here (app/platform.hpp), never in a caller.
//
// Errors are exceptions: InputError (the input cannot be read, or an option is wrong), UnsupportedError
// (aperture does not model it), ArithmeticError (an address computation would overflow).

#include <string>
#include <variant>
#include <vector>

#include "app/platform.hpp"
#include "app/request.hpp"
#include "host/host_snapshot.hpp"
#include "libvirt/memlock_limit.hpp"
#include "plan/plan.hpp"
#include "plan/plan_view.hpp"
#include "plan/spapr_plan.hpp"
#include "plan/xen_plan.hpp"
#include "report/check_report.hpp"

namespace aperture::app {

// What the prediction says for the VM: the CLI's exit status 0 or 1.
enum class Prediction {
    Works,   // it will boot with every BAR assigned (check: no FAIL finding)
    Fails,   // QEMU refuses, the firmware gives up, a BAR is left unassigned or unreachable (check: a FAIL)
};

using PlatformPlan = std::variant<Plan, XenPlan, SpaprPlan>;

struct PlanResult {
    PlatformPlan plan;
    std::string output;
    Prediction prediction = Prediction::Works;
};

// The plan as plain values, the same shape on every platform (plan/plan_view.hpp): the stack modelled, the
// outcome, every PCI function and every region (RAM, root and bridge windows, BARs with their addresses),
// and what the firmware left unassigned. What a program reads instead of parsing the JSON.
PlanView view(const PlanResult& result);

struct CheckResult {
    CheckReport report;
    std::string output;
    Prediction prediction = Prediction::Works;
};

struct FixResult {
    std::string fixed_xml;                   // the domain as written, with the fixes applied
    std::vector<std::string> stack;          // the stack planned with, where each part came from, then notes
    std::vector<std::string> applied;        // each fix written in
    std::vector<std::string> not_applied;    // each fix that could not be, and why
    std::vector<std::string> still_failing;  // "id: evidence" of each FAIL the fixed domain still has, targets' included
    Prediction prediction = Prediction::Works;  // Fails while anything still fails
    std::string json;                        // FixRequest::format Json: "aperture-fix/2" (report/fix_report.hpp)
};

struct MemlockResult {
    LibvirtMemlockLimit limit;
    std::string output;
};

struct HostResult {
    HostSnapshot snapshot;
    PassthroughReadiness readiness = PassthroughReadiness::Possible;  // the CLI's exit status 0 or 1
    std::string json;  // the snapshot as `--host FILE` reads it
    std::string text;  // for a reader
};

PlanResult plan(const PlanRequest& request);
CheckResult check(const CheckRequest& request);
FixResult fix(const FixRequest& request);
MemlockResult memlock(const MemlockRequest& request);
HostResult host(const HostRequest& request);
// The device models and catalogs aperture knows, as `aperture devices` lists them.
std::string devices(OutputFormat format);

}  // namespace aperture::app
