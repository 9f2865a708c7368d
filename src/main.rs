use std::io::{IsTerminal, Write};

use clap::Parser;

mod cli;

use cli::{Cli, Command, Terminal};

fn main() {
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Check(_)
            | Command::Fix(_)
            | Command::Rewrite(_)
            | Command::Report(_)
            | Command::Server(_)
    ) {
        // Load the Chinese segmenter while input is read and configuration parsed (the
        // server: while the client initializes).
        answerlint::document::tokens::warm_up();
    }
    let flag = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let term = Terminal {
        stdout_is_tty: std::io::stdout().is_terminal(),
        stderr_is_tty: std::io::stderr().is_terminal(),
        no_color: flag("NO_COLOR"),
        no_model_env: flag("ANSWERLINT_NO_MODEL"),
    };
    if let Command::Server(args) = cli.command {
        // The server owns stdin and stdout (JSON-RPC); it logs on stderr.
        std::process::exit(cli::server::run(args, term));
    }
    let stdout = std::io::stdout();
    // Long runs write each file's findings as they come; buffered, flushed at the end.
    let mut sink = std::io::BufWriter::new(stdout.lock());
    let out = cli::run_to(cli, &mut std::io::stdin().lock(), term, &mut sink);
    // A closed pipe (answerlint ... | head) is not an error worth a panic.
    let _ = match &out.stdout_raw {
        Some(raw) => sink.write_all(raw),
        None => sink.write_all(out.stdout.as_bytes()),
    };
    let _ = sink.flush();
    drop(sink);
    let _ = std::io::stderr().lock().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
