//! What the engine needs of the operating system that Rust's standard library does not give on stable: on Windows,
//! a file's identity (volume serial number and file index), which tells a followed log deleted and made again, or
//! renamed over, from the file that was opened (`logfile::WatchedFile`). Declared here rather than taken from a
//! Windows crate: the vendored Windows crates are stubs, and this is one function of kernel32.

use std::fs::File;

/// The identity of an open file: (volume serial number, file index) on Windows, (device, inode) on Unix.
#[cfg(windows)]
pub(crate) fn file_identity(file: &File) -> Option<(u64, u64)> {
    use std::os::windows::io::AsRawHandle;

    /// `BY_HANDLE_FILE_INFORMATION`; the three `FILETIME`s are two `DWORD`s each.
    #[repr(C)]
    #[derive(Default)]
    struct ByHandleFileInformation {
        attributes: u32,
        times: [u32; 6],
        volume_serial_number: u32,
        size_high: u32,
        size_low: u32,
        links: u32,
        index_high: u32,
        index_low: u32,
    }

    #[link(name = "kernel32")]
    extern "system" {
        fn GetFileInformationByHandle(file: *mut std::ffi::c_void, info: *mut ByHandleFileInformation) -> i32;
    }

    let mut info = ByHandleFileInformation::default();
    // SAFETY: the handle is the open file's own, valid while `file` is borrowed; `info` is a writable struct of the
    // layout the function fills.
    let ok = unsafe { GetFileInformationByHandle(file.as_raw_handle().cast(), &mut info) };
    (ok != 0).then(|| {
        let index = (u64::from(info.index_high) << 32) | u64::from(info.index_low);
        (u64::from(info.volume_serial_number), index)
    })
}

#[cfg(unix)]
pub(crate) fn file_identity(file: &File) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = file.metadata().ok()?;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(any(unix, windows)))]
pub(crate) fn file_identity(_file: &File) -> Option<(u64, u64)> {
    None
}
