//! Serving HTTP/1.1 with bounds: a header-read timeout (which also closes a
//! kept-alive connection left idle), at most `max_connections` open
//! connections (one more is answered 503 with `Retry-After` and closed), and
//! a graceful shutdown on Ctrl-C or SIGTERM that gives requests in flight a
//! deadline. hyper's own connection builder, as `axum::serve` uses it, with
//! the knobs `axum::serve` does not expose.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// The bounds of [`serve`].
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub header_timeout: Duration,
    pub max_connections: u32,
    pub shutdown_timeout: Duration,
}

/// Connections over the limit answered 503 at the same time.
const TURN_AWAY_AT_ONCE: usize = 64;

/// The body of a 503 for a connection over the limit.
const TOO_MANY_CONNECTIONS: &str = r#"{"errors":[{"status":"503","code":"busy","title":"Busy","detail":"the server has too many open connections; try again in a second"}]}"#;

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, then waits at most
/// `shutdown_timeout` for requests in flight.
pub async fn serve(listener: TcpListener, router: Router, bounds: Bounds) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(bounds.header_timeout);
    let slots = Arc::new(Semaphore::new(bounds.max_connections as usize));
    // Connections being turned away are bounded too: past these, a
    // connection over the limit is closed at once.
    let refusals = Arc::new(Semaphore::new(TURN_AWAY_AT_ONCE));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop_signal());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, most likely: let some close.
                    eprintln!("warning: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            if let Ok(refusal) = Arc::clone(&refusals).try_acquire_owned() {
                tokio::spawn(async move {
                    turn_away(stream).await;
                    drop(refusal);
                });
            }
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away mid-request is not the server's error.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    eprintln!(
        "shutting down: no new connections; requests in flight get {} ms",
        bounds.shutdown_timeout.as_millis()
    );
    if tokio::time::timeout(bounds.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("shutdown: requests still in flight after the deadline are cut off");
    }
}

/// Ctrl-C, or SIGTERM (what `kill` and container runtimes send).
async fn stop_signal() {
    let ctrl_c = async {
        // A handler that cannot be installed is no request to stop.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Answers a connection over the limit with 503 and closes it. The request
/// is read first (briefly), so that closing does not reset the connection
/// before the client reads the answer.
async fn turn_away(mut stream: TcpStream) {
    let mut request: Vec<u8> = Vec::new();
    let _ = tokio::time::timeout(Duration::from_millis(200), async {
        let mut chunk = [0_u8; 4096];
        while request.len() < 16 * 1024 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend(chunk.iter().take(n)),
            }
            if request.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{TOO_MANY_CONNECTIONS}",
        TOO_MANY_CONNECTIONS.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
