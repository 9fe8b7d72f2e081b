//! Embeds the built browser app (`target/dist`, written by `cargo xtask dist`) into the
//! binary, so a release `sluice` serves its UI without the source tree beside it.
//!
//! When no build of the app exists (a plain `cargo check`, clippy, an IDE), the binary is
//! built without it and says so at `/` instead of failing: the wasm build is the xtask's job,
//! not every build script run's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    // sqlx's `migrate!` reads this directory at compile time; without this line a new
    // migration would not rebuild the binary (the line below opts out of cargo's default
    // of rerunning on any change).
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=SLUICE_DIST");
    let dist = env::var_os("SLUICE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("../target/dist")
        });
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        collect(&dist, &dist, &mut files);
    } else if env::var("PROFILE").as_deref() == Ok("release") {
        println!(
            "cargo:warning=no browser app at {}: this sluice serves no UI (run `cargo xtask serve`)",
            dist.display()
        );
    }
    files.sort();
    let mut code = String::from("pub(crate) static ASSETS: &[(&str, &[u8])] = &[\n");
    for (path, abs) in &files {
        writeln!(code, "    ({path:?}, include_bytes!({abs:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("assets.rs");
    fs::write(out, code).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let abs = path.canonicalize().unwrap().to_string_lossy().into_owned();
            files.push((rel, abs));
        }
    }
}
