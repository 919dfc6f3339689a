//! `lattice-server`: reads the configuration, sets up logging, serves until SHUTDOWN or a signal.

mod args;

use engine::Engine;
use server::alloc::CountingAlloc;
use server::host::ProcessHost;

// The inner allocator is a build-time choice (docs/ARCHITECTURE.md "Allocator"):
// feature `jemalloc` or `mimalloc`, otherwise glibc malloc.
#[cfg(feature = "jemalloc")]
#[global_allocator]
static GLOBAL: CountingAlloc<tikv_jemallocator::Jemalloc> =
    CountingAlloc(tikv_jemallocator::Jemalloc);

#[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
#[global_allocator]
static GLOBAL: CountingAlloc<mimalloc::MiMalloc> = CountingAlloc(mimalloc::MiMalloc);

/// INFO's `mem_allocator`.
#[cfg(feature = "jemalloc")]
const ALLOCATOR: &str = "jemalloc";
#[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
const ALLOCATOR: &str = "mimalloc";
#[cfg(not(any(feature = "jemalloc", feature = "mimalloc")))]
const ALLOCATOR: &str = "libc";

#[cfg(not(any(feature = "jemalloc", feature = "mimalloc")))]
#[global_allocator]
static GLOBAL: CountingAlloc<std::alloc::System> = CountingAlloc(std::alloc::System);

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (config, config_file) = match args::parse(&argv) {
        args::Startup::Serve {
            config,
            config_file,
        } => (*config, config_file),
        args::Startup::Exit { message, code } => {
            if code == 0 {
                println!("{message}");
            } else {
                eprintln!("{message}");
            }
            std::process::exit(code);
        }
    };
    let mut config = config;
    // As Redis: the working directory becomes `dir`, and `dir` reads back as an absolute
    // path (CONFIG GET, CONFIG REWRITE).
    let dir = config.get("dir").unwrap_or(".").to_string();
    let cwd = std::env::set_current_dir(&dir).and_then(|()| std::env::current_dir());
    match cwd {
        Ok(path) => {
            let _ = config.set("dir", &path.display().to_string(), true);
        }
        Err(e) => {
            eprintln!("Can't chdir to '{dir}': {e}");
            std::process::exit(1);
        }
    }
    init_logging(&config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = runtime.block_on(serve(config, config_file));
    std::process::exit(code);
}

async fn serve(config: engine::config::Config, config_file: String) -> i32 {
    let now = server::now_ms();
    let seed = now as u64 ^ ((std::process::id() as u64) << 32);
    let listeners = server::listeners::Listeners::new();
    let host = ProcessHost {
        config_file,
        allocator: ALLOCATOR,
        listeners: listeners.clone(),
    };
    let engine = Engine::new(config, seed, now, Box::new(host));
    let running = match server::run_with(engine, listeners).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("Failed listening: {e}");
            return 1;
        }
    };
    for addr in &running.local_addrs {
        tracing::info!("Listening on {addr}");
    }
    tracing::info!("Ready to accept connections tcp");
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("Installing SIGTERM handler: {e}");
            return 1;
        }
    };
    let mut int = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("Installing SIGINT handler: {e}");
            return 1;
        }
    };
    loop {
        let param = tokio::select! {
            _ = running.stopped() => break,
            _ = term.recv() => "shutdown-on-sigterm",
            _ = int.recv() => "shutdown-on-sigint",
        };
        let signal = if param.ends_with("sigterm") {
            "SIGTERM"
        } else {
            "SIGINT"
        };
        // A busy script holds the engine: then the default applies (never wait for it).
        let flags = running
            .shared
            .lock_unless_script()
            .and_then(|eng| eng.config.get(param).map(str::to_string))
            .unwrap_or_else(|| "default".into());
        // `save` asks for a snapshot first; with no persistence it can only fail, and
        // Redis stays up when a save fails unless `force` is given (SHUTDOWN SAVE does
        // the same here).
        let words: Vec<&str> = flags.split(' ').collect();
        if words.contains(&"save") && !words.contains(&"force") {
            tracing::warn!("Error trying to save the DB, can't exit.");
            tracing::warn!(
                "{signal} received but errors trying to shut down the server, check the logs for more information"
            );
            continue;
        }
        tracing::warn!("Received {signal} scheduling shutdown...");
        break;
    }
    running.shutdown();
    // Give connection tasks a moment to close their sockets.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    tracing::warn!("Lattice is now ready to exit, bye bye...");
    0
}

fn init_logging(config: &engine::config::Config) {
    let level = match config.get("loglevel").unwrap_or("notice") {
        "debug" => tracing::Level::TRACE,
        "verbose" => tracing::Level::DEBUG,
        "notice" => tracing::Level::INFO,
        _ => tracing::Level::WARN,
    };
    let logfile = config.get("logfile").unwrap_or("").to_string();
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false);
    if logfile.is_empty() {
        builder.init();
    } else {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&logfile)
        {
            Ok(file) => builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .init(),
            Err(e) => {
                eprintln!("Can't open the log file: {e}");
                std::process::exit(1);
            }
        }
    }
}
