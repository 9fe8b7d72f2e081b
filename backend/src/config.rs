//! The command line. Every flag can also come from a `SLUICE_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sluice",
    version,
    about = "Design, validate and export Oozie workflows."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server and the designer UI.
    Serve(ServeArgs),
    /// Check a workflow.xml as an Oozie server does at submit time. Prints one line per
    /// issue, starting with its code. Exit status: 0 valid, 1 invalid, 2 the file cannot be
    /// read, is not well-formed XML, or was refused (a DOCTYPE, over the limits).
    Validate {
        /// The workflow.xml to check.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: Sluice runs commands on its host, so
    /// exposing it is a decision to take on purpose.
    #[arg(long, env = "SLUICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the embedded SQLite database lives; created if missing.
    #[arg(long, env = "SLUICE_DATA_DIR", default_value = "./sluice-data")]
    pub data_dir: PathBuf,
}
