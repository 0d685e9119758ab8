//! OSC packets as the Lua thread handles them: decoded with rosc, bundles flattened into
//! groups that share one time, arguments in the types Lua sees.

use std::net::SocketAddr;

use rosc::{OscPacket, OscType};

use crate::events::OscArg;

/// One OSC message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub path: String,
    pub args: Vec<OscArg>,
}

/// When a group of messages applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A plain message: at once (the next period).
    Now,
    /// An immediate bundle: at once, all on the same frame.
    Together,
    /// A timetagged bundle: NTP time (seconds since 1900 in the high 32 bits, fraction below).
    At(u64),
}

/// Messages that apply together, and who sent them.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    pub messages: Vec<Message>,
    pub from: SocketAddr,
    pub when: When,
}

/// Bundles may nest and arrays may nest; rosc decodes both recursively, so a hostile packet
/// could otherwise recurse deep enough to matter. No controller needs more than this.
pub const MAX_NESTING: usize = 8;

/// The OSC timetag that means "immediately".
const IMMEDIATE: u64 = 1;

/// Decodes one UDP datagram into packets (one per bundle level), in the order received.
pub fn decode(bytes: &[u8], from: SocketAddr) -> Result<Vec<Packet>, String> {
    check_nesting(bytes, 0)?;
    let (_, packet) = rosc::decoder::decode_udp(bytes).map_err(|e| format!("{e}"))?;
    let mut out = vec![];
    flatten(packet, from, &mut out);
    Ok(out)
}

fn flatten(packet: OscPacket, from: SocketAddr, out: &mut Vec<Packet>) {
    match packet {
        OscPacket::Message(m) => out.push(Packet {
            messages: vec![message(m)],
            from,
            when: When::Now,
        }),
        OscPacket::Bundle(b) => bundle(b, When::Now, from, out),
    }
}

/// A bundle's own messages form one group; each nested bundle is a group of its own.
fn bundle(b: rosc::OscBundle, outer: When, from: SocketAddr, out: &mut Vec<Packet>) {
    let tag = (u64::from(b.timetag.seconds) << 32) | u64::from(b.timetag.fractional);
    let when = match (tag, outer) {
        // An inner bundle may not be earlier than its outer one (OSC 1.0).
        (IMMEDIATE, When::At(t)) => When::At(t),
        (IMMEDIATE, _) => When::Together,
        (t, When::At(o)) => When::At(t.max(o)),
        (t, _) => When::At(t),
    };
    let mut group = Packet {
        messages: vec![],
        from,
        when,
    };
    let mut nested = vec![];
    for p in b.content {
        match p {
            OscPacket::Message(m) => group.messages.push(message(m)),
            OscPacket::Bundle(inner) => bundle(inner, when, from, &mut nested),
        }
    }
    if !group.messages.is_empty() {
        out.push(group);
    }
    out.extend(nested);
}

fn message(m: rosc::OscMessage) -> Message {
    Message {
        path: m.addr,
        args: m.args.into_iter().map(arg).collect(),
    }
}

/// Rejects packets nested deeper than [`MAX_NESTING`] before rosc's recursive decoder sees
/// them. Anything else malformed is left for rosc to report.
fn check_nesting(bytes: &[u8], depth: usize) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(format!("bundles nested deeper than {MAX_NESTING}"));
    }
    if bytes.starts_with(b"#bundle\0") {
        let mut rest = bytes.get(16..).unwrap_or(&[]);
        while rest.len() >= 4 {
            let n = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            // OSC 1.0 sizes are multiples of 4. rosc tolerates others and then pads strings
            // from the datagram's start, which would put this check out of step with it.
            if !n.is_multiple_of(4) {
                return Err(format!(
                    "a bundle element of {n} bytes (not a multiple of 4)"
                ));
            }
            let Some(element) = rest.get(4..4 + n) else {
                break;
            };
            check_nesting(element, depth + 1)?;
            rest = &rest[4 + n..];
        }
        return Ok(());
    }
    // A message: its type tags follow the address; count how deep '[' arrays go.
    let Some(end) = bytes.iter().position(|&b| b == 0) else {
        return Ok(());
    };
    let tags_at = (end + 4) & !3;
    let Some(tags) = bytes.get(tags_at..) else {
        return Ok(());
    };
    let (mut level, mut deepest) = (0usize, 0usize);
    for &t in tags.iter().take_while(|&&b| b != 0) {
        match t {
            b'[' => {
                level += 1;
                deepest = deepest.max(level);
            }
            b']' => level = level.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Err(format!("arrays nested deeper than {MAX_NESTING}"));
    }
    Ok(())
}

/// norns' conversions: i/h → integer, f/d → number, s/c → string, T/F → boolean, b → string
/// of bytes; arrays become tables, the rest their nearest Lua value.
fn arg(a: OscType) -> OscArg {
    match a {
        OscType::Int(i) => OscArg::Int(i64::from(i)),
        OscType::Long(i) => OscArg::Int(i),
        OscType::Float(x) => OscArg::Float(f64::from(x)),
        OscType::Double(x) => OscArg::Float(x),
        OscType::String(s) => OscArg::Str(s),
        OscType::Char(c) => OscArg::Str(c.to_string()),
        OscType::Blob(b) => OscArg::Blob(b),
        OscType::Bool(b) => OscArg::Bool(b),
        OscType::Nil => OscArg::Nil,
        OscType::Inf => OscArg::Float(f64::INFINITY),
        OscType::Time(t) => {
            OscArg::Int(((u64::from(t.seconds) << 32) | u64::from(t.fractional)) as i64)
        }
        OscType::Color(c) => OscArg::Int(i64::from(u32::from_be_bytes([
            c.red, c.green, c.blue, c.alpha,
        ]))),
        OscType::Midi(m) => OscArg::Blob(vec![m.port, m.status, m.data1, m.data2]),
        OscType::Array(a) => OscArg::List(a.content.into_iter().map(arg).collect()),
    }
}

/// The other way, for replies: integers that fit are `i`, numbers `f`, as controllers expect.
pub fn to_osc(a: &OscArg) -> OscType {
    match a {
        OscArg::Int(i) => match i32::try_from(*i) {
            Ok(i) => OscType::Int(i),
            Err(_) => OscType::Long(*i),
        },
        OscArg::Float(x) => OscType::Float(*x as f32),
        OscArg::Str(s) => OscType::String(s.clone()),
        OscArg::Bool(b) => OscType::Bool(*b),
        OscArg::Blob(b) => OscType::Blob(b.clone()),
        OscArg::Nil => OscType::Nil,
        OscArg::List(l) => OscType::Array(rosc::OscArray {
            content: l.iter().map(to_osc).collect(),
        }),
    }
}

/// Encodes one message.
pub fn encode(path: &str, args: &[OscArg]) -> Vec<u8> {
    let packet = OscPacket::Message(rosc::OscMessage {
        addr: path.to_string(),
        args: args.iter().map(to_osc).collect(),
    });
    // Encoding a message with a valid address and these types cannot fail.
    rosc::encoder::encode(&packet).unwrap_or_default()
}
