#pragma once
// The subcommands' options, as CLI11 reads them into the app layer's requests (app/request.hpp). --format
// is kept as written here and becomes the request's enum once parsing succeeded; --firmware goes to the
// request as written, where the release tables check it.

#include <string>

#include "app/request.hpp"

namespace CLI {
class App;
}

namespace aperture::cli {

struct PlanCommand {
    app::PlanRequest request;
    std::string format = "text";
    std::string output;  // -o: write the report here instead of stdout
    app::PlanRequest parsed() const;
};

struct CheckCommand {
    app::CheckRequest request;
    std::string format = "text";
    std::string output;  // -o: write the report here instead of stdout
    std::string colour = "auto";  // --color: auto, always, never
    app::CheckRequest parsed() const;
};

struct FixCommand {
    app::FixRequest request;
    std::string format = "text";
    std::string output;  // write the fixed domain here instead of stdout
    app::FixRequest parsed() const;
};

struct HostCommand {
    app::HostRequest request;
    std::string format = "text";
    std::string output;  // -o: write the report here instead of stdout
    std::string save;  // also write the snapshot (JSON) here
};

struct MemlockCommand {
    app::MemlockRequest request;
    std::string format = "text";
    std::string output;  // -o: write the report here instead of stdout
    app::MemlockRequest parsed() const;
};

CLI::App* add_plan_subcommand(CLI::App& app, PlanCommand& command);
CLI::App* add_check_subcommand(CLI::App& app, CheckCommand& command);
CLI::App* add_fix_subcommand(CLI::App& app, FixCommand& command);
CLI::App* add_host_subcommand(CLI::App& app, HostCommand& command);
CLI::App* add_memlock_subcommand(CLI::App& app, MemlockCommand& command);

}  // namespace aperture::cli
