//! A one-line progress bar on stderr for long builds. Only on a terminal (never in a pipe or
//! a log), and only once a build has run for a moment, so small builds print nothing extra.
//! A few lines by hand instead of a crate: one line, one thread, nothing to configure.

use notegraph::workspace::Progress;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a build runs before the bar appears.
const DELAY: Duration = Duration::from_millis(400);
/// Redraw interval.
const TICK: Duration = Duration::from_millis(100);
const WIDTH: usize = 24;

/// A running progress bar; cleared when dropped.
pub struct Bar {
    progress: Arc<Progress>,
    /// Held while drawing or while someone else prints, so lines never interleave.
    screen: Arc<Mutex<()>>,
    drawer: Option<JoinHandle<()>>,
}

impl Bar {
    /// Starts a bar when stderr is a terminal.
    pub fn start() -> Option<Bar> {
        if !io::stderr().is_terminal() {
            return None;
        }
        let progress = Arc::new(Progress::new());
        let screen = Arc::new(Mutex::new(()));
        let (p, s) = (progress.clone(), screen.clone());
        let drawer = thread::spawn(move || draw_until_finished(&p, &s));
        Some(Bar {
            progress,
            screen,
            drawer: Some(drawer),
        })
    }

    /// The counters the build advances.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }

    /// Runs `f` (which prints to stderr) with the bar line cleared and held off.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        let _screen = self.screen.lock().unwrap_or_else(|e| e.into_inner());
        clear_line();
        f()
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.progress.finish();
        if let Some(d) = self.drawer.take() {
            let _ = d.join();
        }
        clear_line();
    }
}

/// Runs `f` with the bar (if any) out of the way.
pub fn suspended<T>(bar: &Option<Bar>, f: impl FnOnce() -> T) -> T {
    match bar {
        Some(b) => b.suspend(f),
        None => f(),
    }
}

fn clear_line() {
    let _ = write!(io::stderr().lock(), "\r\x1b[2K");
}

fn draw_until_finished(p: &Progress, screen: &Mutex<()>) {
    let started = Instant::now();
    while !p.is_finished() {
        thread::sleep(TICK);
        if started.elapsed() < DELAY || p.is_finished() {
            continue;
        }
        let (stage, done, total) = p.get();
        let line = if total > 0 {
            let frac = (done as f64 / total as f64).min(1.0);
            let filled = (frac * WIDTH as f64) as usize;
            format!(
                "{stage:<9} [{}{}] {:>3.0}%  {done}/{total} notes  {:.1?}",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                frac * 100.0,
                started.elapsed()
            )
        } else {
            format!("{stage:<9} ...  {:.1?}", started.elapsed())
        };
        let _screen = screen.lock().unwrap_or_else(|e| e.into_inner());
        let _ = write!(io::stderr().lock(), "\r\x1b[2K{line}");
    }
}
