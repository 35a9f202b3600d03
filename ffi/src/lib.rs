//! ferrodis-ffi: the one crate that talks to the kernel and to C.
//!
//! Everything above this crate is safe Rust (except a short, listed set of
//! modules in `src/`). Conventions, per `shared/STYLE.md`:
//! - a raw fd becomes an `OwnedFd` the moment the kernel returns it, and APIs
//!   take `BorrowedFd`/`AsFd`;
//! - buffers are passed as slices or spare capacity, never raw pointers, and a
//!   length is trusted only as the kernel returned it;
//! - EINTR is retried where the call is made; EAGAIN becomes
//!   `io::ErrorKind::WouldBlock` for the caller to act on;
//! - every `unsafe` block carries a `// SAFETY:` comment.

pub mod alloc;
pub mod epoll;
pub mod mem;
pub mod net;
pub mod signal;
pub mod sys;
pub mod thread;
