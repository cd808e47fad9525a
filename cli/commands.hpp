// The subcommands of the `verdict` executable. Each takes the arguments after its own
// name and returns the process exit status; main.cpp only dispatches.
#pragma once

namespace verdict::cli {

int cmd_check(int argc, char** argv);
int cmd_explain(int argc, char** argv);
int cmd_test(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_reload(int argc, char** argv);
int cmd_status(int argc, char** argv);

}  // namespace verdict::cli
