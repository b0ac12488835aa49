//! The `claimaudit` binary: the command line over the library. Everything it does is in
//! `cli/`; this only hands over the exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main().into()
}
