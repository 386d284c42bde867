//! The reactor under embassy-executor (feature `embassy`): tasks serving TCP connections,
//! woken by the reactor's turns.

mod common;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use baresock::reactor::{Async, Executor, Reactor, Slots};
use baresock::{TcpListener, TcpStream};
use static_cell::StaticCell;

const CLIENTS: usize = 50;

#[embassy_executor::task(pool_size = 64)]
async fn echo(conn: Async<'static, TcpStream>) {
    let mut buf = [0u8; 256];
    while let Ok(n @ 1..) = conn.read(&mut buf).await {
        if conn.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
}

#[embassy_executor::task]
async fn serve(
    reactor: &'static Reactor<'static>,
    listener: TcpListener,
    spawner: embassy_executor::Spawner,
) {
    let listener = Async::new(reactor, listener).unwrap();
    loop {
        let (conn, _) = listener.accept().await.unwrap();
        spawner.spawn(echo(conn).unwrap());
    }
}

#[embassy_executor::task]
async fn ticker(
    reactor: &'static Reactor<'static>,
    ticks: &'static std::sync::atomic::AtomicUsize,
) {
    loop {
        reactor.sleep(Duration::from_millis(5)).await.unwrap();
        ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Set by the test thread; the task's waker, for the test thread to wake.
static READY: AtomicBool = AtomicBool::new(false);
static WAITER: Mutex<Option<std::task::Waker>> = Mutex::new(None);
static DONE: AtomicBool = AtomicBool::new(false);

/// Waits for a flag that another thread sets, then wakes the task: nothing on the reactor
/// would end the executor's wait but the pender's eventfd.
#[embassy_executor::task]
async fn woken_from_another_thread() {
    std::future::poll_fn(|cx| {
        if READY.load(SeqCst) {
            return std::task::Poll::Ready(());
        }
        *WAITER.lock().unwrap() = Some(cx.waker().clone());
        std::task::Poll::Pending
    })
    .await;
    DONE.store(true, SeqCst);
}

static SLOTS: StaticCell<Slots<128>> = StaticCell::new();
static TICKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn tasks_serve_connections_and_sleep() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // The executor runs forever on a thread of its own; the test ends without it.
    std::thread::spawn(move || {
        static REACTOR: StaticCell<Reactor<'static>> = StaticCell::new();
        static EXECUTOR: StaticCell<Executor> = StaticCell::new();
        let reactor = REACTOR.init(Reactor::new(SLOTS.init(Slots::new())).unwrap());
        let executor = EXECUTOR.init(Executor::new(reactor));
        executor.run(|spawner| {
            spawner.spawn(serve(reactor, listener, spawner).unwrap());
            spawner.spawn(ticker(reactor, &TICKS).unwrap());
        })
    });
    cross_thread_wake();
    let clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let c = TcpStream::connect(addr).unwrap();
            c.set_timeout(Some(Duration::from_secs(10))).unwrap();
            c
        })
        .collect();
    for (i, c) in clients.iter().enumerate() {
        c.send_all(format!("hello {i:03}").as_bytes()).unwrap();
    }
    for (i, c) in clients.iter().enumerate() {
        let mut buf = [0u8; 9];
        let mut got = 0;
        while got < buf.len() {
            let n = c.recv(&mut buf[got..]).unwrap();
            assert!(n > 0);
            got += n;
        }
        assert_eq!(&buf, format!("hello {i:03}").as_bytes());
    }
    // The ticker's sleeps end on time while the sockets are idle.
    let before = TICKS.load(std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(200));
    let ticked = TICKS.load(std::sync::atomic::Ordering::SeqCst) - before;
    // 40 at most; a few on a loaded machine.
    assert!(ticked >= 3, "{ticked} ticks of 5 ms in 200 ms");
}

/// Two executors in one process (each with its own pender context); the second has nothing
/// but a task that another thread wakes.
fn cross_thread_wake() {
    static SLOTS: StaticCell<Slots<4>> = StaticCell::new();
    static REACTOR: StaticCell<Reactor<'static>> = StaticCell::new();
    static EXECUTOR: StaticCell<Executor> = StaticCell::new();
    std::thread::spawn(|| {
        let reactor = REACTOR.init(Reactor::new(SLOTS.init(Slots::new())).unwrap());
        let executor = EXECUTOR.init(Executor::new(reactor));
        executor.run(|spawner| spawner.spawn(woken_from_another_thread().unwrap()))
    });
    // Wait until the task waits (its executor then sleeps in the poller, with no deadline).
    let start = Instant::now();
    while WAITER.lock().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
    assert!(!DONE.load(SeqCst));
    READY.store(true, SeqCst);
    WAITER.lock().unwrap().take().unwrap().wake();
    let start = Instant::now();
    while !DONE.load(SeqCst) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the wake did not end the wait"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}
