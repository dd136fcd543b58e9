//! A fast reader for callback bodies as the platform sends them: one pass over the bytes,
//! strings borrowed, no serde machinery in between.
//!
//! It reads only what it is sure of: the fields of the superset with the JSON types they
//! take, strings without escapes, plain numbers. On anything else (an unknown field, an
//! escape, a duplicate key, a wrong type, broken JSON) it gives up and the general serde
//! reader in `parse.rs` reads the body from the start, so that every body gets the same
//! event, and every bad body the same error, whichever reader ends up reading it. The fuzz
//! targets and tests check the two against each other.

use std::borrow::Cow;

use super::event::{AmdResult, MenuResult, RawEvent};
use super::timestamp::Timestamp;
use crate::json::{has_control_bytes, quote_or_backslash};
use crate::values::{CallHeader, Destination, Price};

/// Reads `body` when it is plainly a callback of the usual shape; `None`: use the general
/// reader.
pub(crate) fn read(body: &str) -> Option<RawEvent<'_>> {
    let mut scan = Scan {
        bytes: body.as_bytes(),
        text: body,
        at: 0,
        control_bytes: has_control_bytes(body.as_bytes()),
    };
    let raw = scan.event()?;
    scan.ws();
    (scan.at == scan.bytes.len()).then_some(raw)
}

/// Fills a slot that must not have been filled before (a key sent twice: give up).
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = value;
    Some(())
}

struct Scan<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    /// The body has bytes below 0x20 somewhere: strings must be checked for them.
    control_bytes: bool,
}

impl<'a> Scan<'a> {
    #[inline]
    fn ws(&mut self) {
        // Compact JSON has none: one comparison.
        if self.bytes.get(self.at).is_some_and(|&b| b > b' ') {
            return;
        }
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        if self.peek()? == byte {
            self.at += 1;
            Some(())
        } else {
            None
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end)? == word {
            self.at = end;
            Some(())
        } else {
            None
        }
    }

    /// `null` (consumed: `true`), or something else (not consumed: `false`).
    #[inline]
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(true)
        } else {
            Some(false)
        }
    }

    /// From `at`, the index of the next `"` or `\\`; `None` at the end of the text or when a
    /// control byte (not allowed raw in a JSON string) comes first.
    #[inline]
    fn special(&self, at: usize) -> Option<usize> {
        let end = quote_or_backslash(self.bytes, at)?;
        if self.control_bytes && self.has_control_bytes(at, end) {
            return None;
        }
        Some(end)
    }

    /// Out of line: bodies with control bytes (pretty-printed) are rare, and the vectorised
    /// check inlined would make every string's search costlier.
    #[cold]
    #[inline(never)]
    fn has_control_bytes(&self, at: usize, end: usize) -> bool {
        has_control_bytes(&self.bytes[at..end])
    }

    /// A string without escapes, borrowed (a key).
    #[inline]
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let end = self.special(start)?;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // Both ends are at ASCII bytes, so on char boundaries of the text.
        self.text.get(start..end)
    }

    /// A string: borrowed, or decoded when it has escapes (`\\u` is left to serde_json).
    #[inline]
    fn string_value(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.at;
        let mut end = self.special(start)?;
        if self.bytes[end] == b'"' {
            self.at = end + 1;
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        let mut decoded = String::with_capacity(end - start + 16);
        let mut run = start;
        loop {
            decoded.push_str(self.text.get(run..end)?);
            if self.bytes[end] == b'"' {
                self.at = end + 1;
                return Some(Cow::Owned(decoded));
            }
            decoded.push(match *self.bytes.get(end + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            });
            run = end + 2;
            end = self.special(run)?;
        }
    }

    #[inline]
    fn text(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.peek()? {
            b'"' => self.string_value().map(Some),
            b'n' => self.literal(b"null").map(|()| None),
            _ => None,
        }
    }

    /// A string read into a value (open enums, timestamps) or `null`.
    fn parsed<T>(&mut self, read: impl FnOnce(&str) -> Option<T>) -> Option<Option<T>> {
        if self.null()? {
            return Some(None);
        }
        read(self.string()?).map(Some)
    }

    /// The text of a number, by JSON's grammar.
    fn number_text(&mut self) -> Option<(&'a str, bool)> {
        self.ws();
        let start = self.at;
        let digits = |scan: &mut Self| {
            let from = scan.at;
            while let Some(b'0'..=b'9') = scan.bytes.get(scan.at) {
                scan.at += 1;
            }
            scan.at > from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if !digits(self) {
            return None;
        }
        if self.bytes[int_start] == b'0' && self.at > int_start + 1 {
            return None; // a leading zero: not JSON
        }
        let mut integer = true;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            integer = false;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        Some((&self.text[start..self.at], integer))
    }

    fn integer(&mut self) -> Option<Option<i64>> {
        if self.null()? {
            return Some(None);
        }
        let (text, integer) = self.number_text()?;
        if !integer || text == "-0" {
            return None;
        }
        text.parse().ok().map(Some)
    }

    fn float(&mut self) -> Option<Option<f64>> {
        if self.null()? {
            return Some(None);
        }
        let (text, _) = self.number_text()?;
        if text.starts_with("-0") {
            return None; // negative zero and its spellings: left to serde_json
        }
        // Long or odd spellings (huge exponents, 20-digit integers) are left to serde_json,
        // and so is what overflows (which it refuses).
        if text.len() > 24 {
            return None;
        }
        let value: f64 = text.parse().ok()?;
        value.is_finite().then_some(Some(value))
    }

    /// A small object of a derived type, each key handed to `field` (which reads the value
    /// and answers the bit of the field it filled), or `null`. serde's derived types refuse a
    /// key sent twice even when the first value was `null`: so is any repeated key here.
    fn object<T: Default>(
        &mut self,
        mut field: impl FnMut(&mut Self, &mut T, &'a str) -> Option<u8>,
    ) -> Option<Option<T>> {
        if self.null()? {
            return Some(None);
        }
        let mut value = T::default();
        let mut seen = 0u8;
        self.fields(|scan, key| {
            let bit = field(scan, &mut value, key)?;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            Some(())
        })?;
        Some(Some(value))
    }

    /// `{` key `:` value, ... `}`, each value read by `field`.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            field(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn headers(&mut self) -> Option<Option<Vec<CallHeader<'a>>>> {
        if self.null()? {
            return Some(None);
        }
        self.eat(b'[')?;
        // Room for the headers of a SIP call without growing.
        let mut headers = Vec::with_capacity(16);
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Some(headers));
        }
        loop {
            // The platform's shape, `{"key":…,"value":…}`, read without looking at keys;
            // anything else by the general object reader.
            if let Some(header) = self.plain_header() {
                headers.push(header);
                match self.peek()? {
                    b',' => {
                        self.at += 1;
                        continue;
                    }
                    b']' => {
                        self.at += 1;
                        return Some(Some(headers));
                    }
                    _ => return None,
                }
            }
            let header = self.object(|scan, header: &mut CallHeader<'a>, key| match key {
                "key" => once(&mut header.key, scan.text()?).and(Some(1)),
                "value" => once(&mut header.value, scan.text()?).and(Some(2)),
                _ => None,
            })??;
            headers.push(header);
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Some(headers));
                }
                _ => return None,
            }
        }
    }

    /// `{"key":<text>,"value":<text>}` exactly (no whitespace); `None` with nothing consumed
    /// otherwise.
    #[inline]
    fn plain_header(&mut self) -> Option<CallHeader<'a>> {
        let start = self.at;
        let header = (|| {
            self.literal(b"{\"key\":")?;
            let key = self.text()?;
            self.literal(b",\"value\":")?;
            let value = self.text()?;
            self.literal(b"}")?;
            Some(CallHeader { key, value })
        })();
        if header.is_none() {
            self.at = start;
        }
        header
    }

    fn price(&mut self) -> Option<Option<Price<'a>>> {
        self.object(|scan, price: &mut Price<'a>, key| match key {
            "currencyId" => once(&mut price.currency_id, scan.text()?).and(Some(1)),
            "amount" => once(&mut price.amount, scan.float()?).and(Some(2)),
            _ => None,
        })
    }

    fn destination(&mut self) -> Option<Option<Destination<'a>>> {
        let mut endpoint = None;
        let destination = self.object(|scan, to: &mut Destination<'a>, key| match key {
            "type" => once(&mut to.kind, scan.parsed(|t| t.parse().ok())?).and(Some(1)),
            "endpoint" => {
                // Required, and a string.
                let text = scan.string_value()?;
                once(&mut endpoint, Some(text)).and(Some(2))
            }
            _ => None,
        })?;
        match destination {
            None => Some(None),
            Some(mut to) => {
                to.endpoint = endpoint?;
                Some(Some(to))
            }
        }
    }

    fn amd(&mut self) -> Option<Option<AmdResult>> {
        self.object(|scan, amd: &mut AmdResult, key| match key {
            "status" => once(&mut amd.status, scan.parsed(|t| t.parse().ok())?).and(Some(1)),
            "reason" => once(&mut amd.reason, scan.parsed(|t| t.parse().ok())?).and(Some(2)),
            "duration" => once(&mut amd.duration, scan.integer()?).and(Some(4)),
            _ => None,
        })
    }

    fn menu_result(&mut self) -> Option<Option<MenuResult<'a>>> {
        self.object(|scan, result: &mut MenuResult<'a>, key| match key {
            "menuId" => once(&mut result.menu_id, scan.text()?).and(Some(1)),
            "type" => once(&mut result.kind, scan.parsed(|t| t.parse().ok())?).and(Some(2)),
            "value" => once(&mut result.value, scan.text()?).and(Some(4)),
            "inputMethod" => {
                once(&mut result.input_method, scan.parsed(|t| t.parse().ok())?).and(Some(8))
            }
            _ => None,
        })
    }

    fn event(&mut self) -> Option<RawEvent<'a>> {
        let mut raw = RawEvent::default();
        self.fields(|scan, key| {
            let r = &mut raw;
            match key {
                "event" => once(&mut r.event, scan.text()?),
                "callid" | "callId" => once(&mut r.callid, scan.text()?),
                "conferenceId" => once(&mut r.conference_id, scan.text()?),
                "version" => once(&mut r.version, scan.integer()?),
                "timestamp" => once(&mut r.timestamp, scan.parsed(Timestamp::parse)?),
                "custom" => once(&mut r.custom, scan.text()?),
                "applicationKey" => once(&mut r.application_key, scan.text()?),
                "callResourceUrl" => once(&mut r.call_resource_url, scan.text()?),
                "userRate" => once(&mut r.user_rate, scan.price()?),
                "cli" => once(&mut r.cli, scan.text()?),
                "to" => once(&mut r.to, scan.destination()?),
                "domain" => once(&mut r.domain, scan.parsed(|t| t.parse().ok())?),
                "originationType" => {
                    once(&mut r.origination_type, scan.parsed(|t| t.parse().ok())?)
                }
                "duration" => once(&mut r.duration, scan.integer()?),
                "rdnis" => once(&mut r.rdnis, scan.text()?),
                "callHeaders" => once(&mut r.call_headers, scan.headers()?),
                "cookies" => once(&mut r.cookies, scan.headers()?),
                "user" => once(&mut r.user, scan.text()?),
                "amd" => once(&mut r.amd, scan.amd()?),
                "reason" => once(&mut r.reason, scan.parsed(|t| t.parse().ok())?),
                "result" => once(&mut r.result, scan.parsed(|t| t.parse().ok())?),
                "debit" => once(&mut r.debit, scan.price()?),
                "from" => once(&mut r.from, scan.text()?),
                "menuResult" => once(&mut r.menu_result, scan.menu_result()?),
                "type" => once(&mut r.kind, scan.parsed(|t| t.parse().ok())?),
                "destination" => once(&mut r.destination, scan.text()?),
                "errorCode" => once(&mut r.error_code, scan.integer()?),
                "errorMsg" => once(&mut r.error_msg, scan.text()?),
                // Kept in `extra` as raw JSON: the general reader's work.
                _ => None,
            }
        })?;
        Some(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::CallbackEvent;

    fn fixtures() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/callbacks");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
        assert!(out.len() >= 10);
        out
    }

    /// `parse` (fast reader, else serde) gives what the serde reader alone gives.
    fn reads_as_serde(body: &str) {
        let parsed = CallbackEvent::parse(body.as_bytes());
        let serde = super::super::parse_with_serde_reader(body.as_bytes());
        assert_eq!(parsed, serde, "{body}");
    }

    #[test]
    fn every_platform_fixture_takes_the_fast_reader_and_reads_as_serde_does() {
        for (name, body) in fixtures() {
            assert!(read(&body).is_some(), "{name}: the fast reader gave up");
            let fast = CallbackEvent::parse(body.as_bytes()).unwrap();
            let serde = super::super::parse_with_serde_reader(body.as_bytes()).unwrap();
            assert_eq!(fast, serde, "{name}");
        }
    }

    #[test]
    fn what_it_is_not_sure_of_goes_to_serde() {
        let cases = [
            // an escape, an unknown field, a key twice, a number serde reads its own way
            r#"{"event":"ice","callid":"a\u0041b"}"#,
            r#"{"event":"ice","callid":"a\xb"}"#,
            r#"{"event":"ice","call\u0069d":"c"}"#,
            r#"{"event":"ice","callid":"c","somethingNew":{"x":[1,2]}}"#,
            r#"{"event":"ice","callid":"c","callid":"d"}"#,
            r#"{"event":"ice","callid":"c","callId":"d"}"#,
            r#"{"event":"dice","callid":"c","debit":{"amount":-0}}"#,
            r#"{"event":"dice","callid":"c","debit":{"amount":null,"amount":1}}"#,
            r#"{"event":"ice","callid":"c","callHeaders":[{"key":null,"key":"k"}]}"#,
            r#"{"event":"ice","callid":"c","callHeaders":[{"key":"k","other":1}]}"#,
            r#"{"event":"ice","callid":"c","version":1.0}"#,
            r#"{"event":"ice","callid":"c","version":01}"#,
            r#"{"event":"ice","callid":"c","version":9223372036854775808}"#,
            r#"{"event":"ice","callid":"c","to":{"type":"number"}}"#,
            r#"{"event":"ice","callid":"c","timestamp":"yesterday"}"#,
            r#"{"event":"ice","callid":"c"} x"#,
            r#"{"event":"ice","callid":"c",}"#,
            "{\"event\":\"ice\",\"callid\":\"tab\there\"}",
            // whitespace between tokens, and a raw control byte in a string
            "{\n\"event\": \"ice\",\n\"callid\": \"c\",\n\"cli\": \"line\nbreak\"\n}",
            "{\"event\":\"ice\",\"callid\":\"c\",\"custom\":\"a\\\"b\u{1f}\"}\n",
        ];
        for body in cases {
            assert!(
                read(body).is_none(),
                "{body}: the fast reader should give up"
            );
            reads_as_serde(body);
        }
    }

    #[test]
    fn call_headers_of_every_shape_read_as_serde_does() {
        let headers = [
            r#"[{"key":"a","value":"b"},{"key":"c","value":"d"}]"#,
            r#"[{"value":"b","key":"a"}]"#,
            r#"[{"key":null,"value":"b"},{"key":"a","value":null}]"#,
            r#"[{"key":"a\"q\n","value":"tab\tx"}]"#,
            r#"[{"key":"a"},{"value":"b"},{}]"#,
            r#"[ {"key" : "a" , "value" : "b"} , {"key":"c","value":"d"} ]"#,
            r#"[{"key":"a","value":"b","other":1}]"#,
            r#"[{"key":"a","value":"b","key":"c"}]"#,
            r#"[{"key":"a","value":"\u0041"}]"#,
            r#"[{"key":"a","value":7}]"#,
            r#"[{"key":"a","value":"b"}"#,
            r#"[{"key":"a","value":"b"},]"#,
        ];
        for list in headers {
            for field in ["callHeaders", "cookies"] {
                let body = format!(r#"{{"event":"ice","callid":"c","{field}":{list}}}"#);
                reads_as_serde(&body);
            }
        }
    }

    #[test]
    fn nulls_whitespace_and_numbers_read_as_serde_does() {
        let cases = [
            " {\n\t\"event\" : \"dice\" , \"callid\":\"c\", \"debit\": {\"currencyId\":null,\"amount\":1.5e2}, \"duration\":-7,\"reason\":\"TIMEOUT\", \"result\":null} \r\n",
            r#"{"event":"ice","callid":null,"cookies":[],"callHeaders":null,"userRate":null,"to":{"endpoint":"x","type":null}}"#,
            r#"{"event":"pie","callId":"c","menuResult":{"menuId":"main","type":"sequence","value":"0042","inputMethod":"DTMF"}}"#,
            r#"{"event":"notify","type":"amd","amd":{"status":"human","reason":"n/a","duration":3},"errorCode":0}"#,
            r#"{"event":"dice","callid":"c","userRate":{"amount":0.1},"debit":{"amount":12345678901234567}}"#,
            r#"{}"#,
            r#"{"event":"ice","custom":"{\"a\":\"b\\\/\n\t\r\b\f\"}","to":{"endpoint":"a\"b"}}"#,
            r#"{"event":"ice","callid":"é€😀 long enough to span chunks"}"#,
        ];
        for body in cases {
            assert!(read(body).is_some(), "{body}: the fast reader gave up");
            reads_as_serde(body);
        }
    }
}
