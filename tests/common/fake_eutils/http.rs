//! The HTTP/1.1 side of the stand-in: accepting connections, reading requests
//! (chunked bodies, percent-decoding), writing answers, cutting connections on purpose.

use super::*;

pub(super) struct State {
    pub(super) index: Arc<Index>,
    pub(super) requests: Mutex<Vec<RecordedRequest>>,
    pub(super) scripts: Mutex<HashMap<String, VecDeque<Scripted>>>,
    pub(super) rate_limit: Mutex<Option<(u32, u32)>>,
    /// How long every answer takes (a slow NCBI), after the request is recorded.
    pub(super) delay: Mutex<Option<Duration>>,
    /// Whether every request stalls (an NCBI that accepts and never answers).
    pub(super) stall: Mutex<Option<Stall>>,
    /// Set when the server is dropped: stalled connections let go.
    pub(super) stop: Arc<AtomicBool>,
}

/// Locks a mutex, ignoring poisoning: a panicking connection thread must not take
/// every later request down with it.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn accept_loop(listener: &TcpListener, state: &Arc<State>, stop: &AtomicBool) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match conn {
            Ok(stream) => {
                let state = Arc::clone(state);
                // One thread per connection: every answer closes the connection.
                let _ = thread::Builder::new()
                    .name("fake-eutils-conn".into())
                    .spawn(move || serve_connection(stream, &state));
            }
            // E.g. too many open files: back off instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A parsed HTTP request.
pub(super) struct HttpRequest {
    pub(super) at: Instant,
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

pub(super) enum RequestError {
    /// The client sent something that is not HTTP/1.x: answer 400.
    Bad(&'static str),
    /// The socket failed or closed: nothing to answer.
    Io,
}

impl From<io::Error> for RequestError {
    fn from(_: io::Error) -> Self {
        RequestError::Io
    }
}

pub(super) fn serve_connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    let response = match read_request(&mut reader, &mut stream) {
        Ok(request) => {
            let recorded = record(request);
            lock(&state.requests).push(recorded.clone());
            let delay = *lock(&state.delay);
            if let Some(delay) = delay {
                thread::sleep(delay);
            }
            let stall = *lock(&state.stall);
            match stall {
                Some(Stall::NeverAnswer) => return hold(state),
                Some(Stall::AfterHead) => {
                    let _ = write_head_and_half(&mut stream, &answer(state, &recorded));
                    return hold(state);
                }
                None => {}
            }
            answer(state, &recorded)
        }
        Err(RequestError::Bad(why)) => {
            Scripted::status(400, format!("bad request: {why}\n")).header("Content-Type", TEXT_TYPE)
        }
        Err(RequestError::Io) => return,
    };
    let _ = write_response(&mut stream, &response);
}

pub(super) fn read_request(
    reader: &mut BufReader<TcpStream>,
    stream: &mut TcpStream,
) -> Result<HttpRequest, RequestError> {
    let mut head_bytes = 0;
    let mut read_line = |reader: &mut BufReader<TcpStream>| -> Result<String, RequestError> {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Err(RequestError::Io);
        }
        head_bytes += line.len();
        if head_bytes > MAX_HEAD_BYTES {
            return Err(RequestError::Bad("request head too large"));
        }
        let line = String::from_utf8(line).map_err(|_| RequestError::Bad("head is not UTF-8"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };

    let request_line = read_line(reader)?;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(RequestError::Bad("only HTTP/1.x is spoken here"));
    }
    let (method, target) = (method.to_ascii_uppercase(), target.to_string());

    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(RequestError::Bad("malformed header line"));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let at = Instant::now();

    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    if header("Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        read_chunked(reader)?
    } else if let Some(length) = header("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| RequestError::Bad("bad Content-Length"))?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    Ok(HttpRequest {
        at,
        method,
        target,
        headers,
        body,
    })
}

/// Reads a `Transfer-Encoding: chunked` body (trailers are read and dropped).
pub(super) fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, RequestError> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(RequestError::Io);
        }
        let size = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size.trim(), 16)
            .map_err(|_| RequestError::Bad("bad chunk size"))?;
        if size == 0 {
            // Trailer section, up to an empty line.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.read_line(&mut line)?; // the CRLF after the chunk data
    }
}

/// Turns a parsed request into its recorded form: endpoint and decoded parameters.
pub(super) fn record(request: HttpRequest) -> RecordedRequest {
    // An absolute-form target (`http://host/path`) is reduced to its path.
    let target = match request.target.split_once("://") {
        Some((_, rest)) if !request.target.starts_with('/') => {
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        _ => request.target.as_str(),
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut params = parse_form(query);
    let is_form = request.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("Content-Type")
            && value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
    });
    if is_form {
        params.extend(parse_form(&String::from_utf8_lossy(&request.body)));
    }
    RecordedRequest {
        at: request.at,
        method: request.method,
        endpoint: endpoint_of(path),
        params,
        path: path.to_string(),
        headers: request.headers,
    }
}

/// `/entrez/eutils/efetch.fcgi` → "efetch"; any other path is kept whole, so a client
/// that builds URLs wrongly (`.../eutils//efetch.fcgi`) gets a 404 rather than luck.
pub(super) fn endpoint_of(path: &str) -> String {
    path.strip_prefix(EUTILS_PATH)
        .filter(|name| !name.contains('/'))
        .and_then(|name| {
            name.strip_suffix(".fcgi")
                .or_else(|| name.strip_suffix(".cgi"))
        })
        .filter(|stem| !stem.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// Splits `a=1&b=2` into decoded pairs; a key without '=' gets an empty value.
pub(super) fn parse_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and '+' (space); malformed escapes are kept as they are.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Keeps a connection open and silent until the server is dropped (or [`MAX_STALL`]).
pub(super) fn hold(state: &State) {
    let started = Instant::now();
    while !state.stop.load(Ordering::SeqCst) && started.elapsed() < MAX_STALL {
        thread::sleep(Duration::from_millis(20));
    }
}

/// The status line and the scripted headers of `response`, each line ended.
fn status_and_headers(response: &Scripted) -> String {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason_phrase(response.status)
    );
    for (name, value) in &response.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head
}

/// Writes `response`'s head, promising its whole body, and only the first half of it.
pub(super) fn write_head_and_half(stream: &mut TcpStream, response: &Scripted) -> io::Result<()> {
    let mut head = status_and_headers(response);
    let _ = write!(head, "Content-Length: {}\r\n\r\n", response.body.len());
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body[..response.body.len() / 2])?;
    stream.flush()
}

pub(super) fn write_response(stream: &mut TcpStream, response: &Scripted) -> io::Result<()> {
    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(name))
    };
    let mut head = status_and_headers(response);
    if !has("Content-Type") {
        let _ = write!(
            head,
            "Content-Type: {}\r\n",
            sniff_content_type(&response.body)
        );
    }
    if !has("Content-Length") {
        let promised = if response.cut_connection {
            response.body.len() + CUT_SHORTFALL
        } else {
            response.body.len()
        };
        let _ = write!(head, "Content-Length: {promised}\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");

    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes)?;
    stream.flush()?;
    if response.cut_connection {
        // Both directions: the client sees end-of-stream before the promised length.
        stream.shutdown(Shutdown::Both)
    } else {
        stream.shutdown(Shutdown::Write)
    }
}

pub(super) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        414 => "URI Too Long",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Content-Type for a scripted body that did not set one.
pub(super) fn sniff_content_type(body: &[u8]) -> &'static str {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)])
        .trim_start()
        .to_ascii_lowercase();
    if start.starts_with('{') || start.starts_with('[') {
        JSON_TYPE
    } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
        HTML_TYPE
    } else if start.starts_with('<') {
        XML_TYPE
    } else {
        TEXT_TYPE
    }
}
