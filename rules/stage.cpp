// Stage names and the SMTP commands each stage answers.
#include "rules/stage.hpp"

namespace verdict {

namespace {
constexpr std::array<std::string_view, kStageCount> kNames = {"connect", "helo", "mail", "rcpt",
                                                              "data",    "header", "eom"};
}

std::string_view stage_name(Stage s) { return kNames[index(s)]; }

std::optional<Stage> parse_stage(std::string_view name) {
    for (Stage s : kAllStages)
        if (kNames[index(s)] == name) return s;
    return std::nullopt;
}

CommandMask stage_commands(Stage s) {
    switch (s) {
        case Stage::Connect: return mask(SmtpCommand::Connect);
        case Stage::Helo: return mask(SmtpCommand::Helo) | mask(SmtpCommand::Ehlo);
        case Stage::Mail: return mask(SmtpCommand::Mail);
        case Stage::Rcpt: return mask(SmtpCommand::Rcpt);
        case Stage::Data: return mask(SmtpCommand::Data);
        case Stage::Header:
        case Stage::Eom: return mask(SmtpCommand::DataEnd);
    }
    return 0;
}

}  // namespace verdict
