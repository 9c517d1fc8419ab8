//! A strict reader of the OpenMetrics text `render` writes: the parts of the spec that `dora.om`
//! uses, with every rule the spec states about them (tests only).

/// A parsed sample: name, labels (unescaped, in file order), value, timestamp.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub timestamp: i64,
}

/// What a file declares and holds.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Family names in declaration order.
    pub families: Vec<String>,
    /// Family name → unit.
    pub units: Vec<(String, String)>,
    pub samples: Vec<Sample>,
}

fn is_name(s: &str, colon: bool) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || (colon && f == ':'))
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || (colon && x == ':'))
}

/// Unescapes an escaped-string, refusing the escapes the spec says not to use.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('n') => out.push('\n'),
                other => return Err(format!("undefined escape \\{other:?} in {s:?}")),
            },
            '"' | '\n' => return Err(format!("unescaped {c:?} in {s:?}")),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn realnumber(s: &str) -> Result<f64, String> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match body.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
        && exp.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e)
        });
    if !ok {
        return Err(format!("not a realnumber: {s:?}"));
    }
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}

type Labels = Vec<(String, String)>;

/// Splits `{a="x",b="y"}` into pairs; `rest` is what follows the closing brace.
fn labels(s: &str) -> Result<(Labels, &str), String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = s.strip_prefix('{').ok_or("labels must start with {")?;
    if let Some(r) = rest.strip_prefix('}') {
        return Ok((out, r));
    }
    loop {
        let (name, r) = rest.split_once("=\"").ok_or(format!("bad label in {s:?}"))?;
        if !is_name(name, false) {
            return Err(format!("bad label name {name:?}"));
        }
        // The value ends at the first quote not escaped by a backslash.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in r.char_indices() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end.ok_or(format!("unterminated label value in {s:?}"))?;
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("label {name:?} twice"));
        }
        out.push((name.to_owned(), unescape(&r[..end])?));
        let r = &r[end + 1..];
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else if let Some(r) = r.strip_prefix('}') {
            return Ok((out, r));
        } else {
            return Err(format!("expected , or }} in {s:?}"));
        }
    }
}

/// Checks `text` and returns what it holds; every sample must carry a timestamp.
pub fn parse(text: &str) -> Result<Parsed, String> {
    if text.contains('\r') {
        return Err("carriage return".into());
    }
    let body = text.strip_suffix("# EOF\n").ok_or("must end with \"# EOF\\n\"")?;
    if !(body.is_empty() || body.ends_with('\n')) {
        return Err("# EOF must be a line of its own".into());
    }
    let mut p = Parsed::default();
    // Per family: which metadata has been seen, the series seen, and the open series.
    let mut seen_meta: Vec<&str> = Vec::new();
    let mut has_samples = false;
    let mut closed: Vec<Vec<(String, String)>> = Vec::new();
    let mut open: Option<(Vec<(String, String)>, i64)> = None;
    for (n, line) in body.lines().enumerate() {
        let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let (kind, name, arg) = (parts.next(), parts.next(), parts.next());
            let (Some(kind), Some(name), Some(arg)) = (kind, name, arg) else {
                return Err(at("metadata needs a kind, a name and a value".into()));
            };
            if kind == "TYPE" {
                if p.families.iter().any(|f| f == name) {
                    return Err(at("family declared twice".into()));
                }
                if !is_name(name, true) {
                    return Err(at("bad family name".into()));
                }
                if arg != "gauge" {
                    return Err(at("dora.om has gauges only".into()));
                }
                p.families.push(name.to_owned());
                seen_meta = vec!["TYPE"];
                has_samples = false;
                closed.clear();
                open = None;
                continue;
            }
            if p.families.last().map(String::as_str) != Some(name) {
                return Err(at("metadata for a family other than the current one".into()));
            }
            if has_samples {
                return Err(at("metadata after samples".into()));
            }
            let order = ["TYPE", "UNIT", "HELP"];
            let Some(pos) = order.iter().position(|k| *k == kind) else {
                return Err(at(format!("unknown metadata {kind}")));
            };
            if seen_meta
                .iter()
                .any(|k| order.iter().position(|o| o == k).is_some_and(|q| q >= pos))
            {
                return Err(at("metadata repeated or out of TYPE, UNIT, HELP order".into()));
            }
            seen_meta.push(order[pos]);
            if kind == "UNIT" {
                if !name.ends_with(&format!("_{arg}")) {
                    return Err(at("the unit must be the name's suffix".into()));
                }
                p.units.push((name.to_owned(), arg.to_owned()));
            } else {
                unescape(arg).map_err(at)?;
            }
            continue;
        }
        if line.starts_with('#') {
            return Err(at("only TYPE, UNIT, HELP and EOF lines may start with #".into()));
        }
        let family = p
            .families
            .last()
            .ok_or_else(|| at("sample before any TYPE".into()))?
            .clone();
        let name_end = line.find(['{', ' ']).ok_or_else(|| at("no value".into()))?;
        let name = &line[..name_end];
        if name != family {
            return Err(at(format!("sample of {name} inside family {family}")));
        }
        let (labels, rest) = if line[name_end..].starts_with('{') {
            labels(&line[name_end..]).map_err(at)?
        } else {
            (Vec::new(), &line[name_end..])
        };
        let rest = rest.strip_prefix(' ').ok_or_else(|| at("no value".into()))?;
        let mut fields = rest.split(' ');
        let (Some(v), Some(t), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(at("expected a value and a timestamp".into()));
        };
        let value = realnumber(v).map_err(at)?;
        if !value.is_finite() {
            return Err(at("not finite".into()));
        }
        let timestamp: i64 = t.parse().map_err(|e| at(format!("timestamp: {e}")))?;
        let mut key = labels.clone();
        key.sort();
        match &mut open {
            Some((k, last)) if *k == key => {
                if timestamp <= *last {
                    return Err(at("timestamps must increase within a series".into()));
                }
                *last = timestamp;
            }
            _ => {
                if closed.contains(&key) {
                    return Err(at("series interleaved with another".into()));
                }
                if let Some((k, _)) = open.take() {
                    closed.push(k);
                }
                open = Some((key, timestamp));
            }
        }
        has_samples = true;
        p.samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
            timestamp,
        });
    }
    Ok(p)
}
