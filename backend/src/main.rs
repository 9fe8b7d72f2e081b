//! The `sluice` binary: parses the command line and hands over to the library.

use backend::config::{Cli, Command};
use clap::{CommandFactory, FromArgMatches};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    if let (Command::Serve(args), Some(sub)) =
        (&mut cli.command, matches.subcommand_matches("serve"))
        && let Err(err) = args
            .apply_config_file(sub)
            // Bad templates or SMTP settings are bad input, found before anything starts.
            .and_then(|()| args.exec.exec_config(Default::default()).map(drop))
    {
        eprintln!("sluice: {err:#}");
        return std::process::ExitCode::from(2);
    }
    match backend::run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sluice: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
