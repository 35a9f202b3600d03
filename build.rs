//! Records what INFO server reports about the build: the git sha and dirty
//! flag (redis_git_sha1, redis_git_dirty) and a build id (redis_build_id).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let sha = git(&["rev-parse", "--short=8", "HEAD"]).unwrap_or_else(|| "00000000".into());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .map(|s| if s.is_empty() { "0" } else { "1" })
        .unwrap_or("0");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    // A build id like Redis's: a hash of when and where it was built.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{now}{}{sha}", host.trim()).bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    println!("cargo:rustc-env=FERRODIS_GIT_SHA1={sha}");
    println!("cargo:rustc-env=FERRODIS_GIT_DIRTY={dirty}");
    println!("cargo:rustc-env=FERRODIS_BUILD_ID={h:016x}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/index");
}
