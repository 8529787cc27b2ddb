/* The checkpoint's rules for its page offline (issue 22, point 4): a line-for-line copy of
   fangkong/screening/rules.py's decide() and describe(), with the protocol, risk areas and words of the rulebook
   the page carries (fangkong/screening/offline.py). Keep the two in step: a test runs both over the same cases
   (tests/e2e/test_offline_rules.py). One rule only the page has: "status_listed" — the signed
   status list marks the personal code scanned (red, yellow or not known: it does not say which), decided as red
   is. Pure: no page, no network. */
(function (root) {
  "use strict";
  var REGISTER_NOTIFY = "register_notify", LET_PASS = "let_pass", TURN_BACK = "turn_back";
  var CENTRAL_ISOLATION = "central_isolation", FEVER_CLINIC = "fever_clinic";
  // What Python's str.split() splits on (after NFKC, which turns the other spaces into these).
  var WS = "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var SPACE = new RegExp(WS + "+", "g"), ENDS = new RegExp("^" + WS + "+|" + WS + "+$", "g");

  function codePoints(text) { return Array.from(text); }

  /* core.text.fold_digits: every script's decimal digits as 0-9 (their zeros from Python's tables). */
  function foldDigits(text, zeros) {
    if (/^[\x00-\x7f]*$/.test(text)) return text;
    return codePoints(text).map(function (ch) {
      var cp = ch.codePointAt(0);
      if (cp < 0x80) return ch;
      var lo = 0, hi = zeros.length - 1, zero = -1;
      while (lo <= hi) {  // the last zero at or before cp
        var mid = (lo + hi) >> 1;
        if (zeros[mid] <= cp) { zero = zeros[mid]; lo = mid + 1; } else hi = mid - 1;
      }
      return zero >= 0 && cp - zero <= 9 ? String(cp - zero) : ch;
    }).join("");
  }

  /* passages._text: NFKC, runs of space as one, at most `limit` characters. */
  function text(value, limit) {
    var joined = (value || "").normalize("NFKC").split(SPACE).filter(Boolean).join(" ");
    return codePoints(joined).slice(0, limit).join("");
  }

  /* passages.places: "长春市、北京市朝阳区" → ["长春市", "北京市朝阳区"]. */
  function places(value) {
    return (value || "").split(/[,，、;；\n]+/).map(function (p) { return p.replace(ENDS, ""); }).filter(Boolean);
  }

  function norm(value, zeros) {
    return foldDigits((value || "").normalize("NFKC").replace(SPACE, ""), zeros);
  }

  function areaMatches(place, area, zeros) {
    var typed = norm(place, zeros), name = norm(area.name, zeros);
    if (!typed) return false;
    if (name && (typed.indexOf(name) >= 0 || (codePoints(typed).length >= 2 && name.slice(-typed.length) === typed))) {
      return true;
    }
    return !!area.code && /^[0-9]+$/.test(typed) && typed.indexOf(area.code) === 0;
  }

  function active(areas, at) {
    return areas.filter(function (a) {
      return Date.parse(a.from) <= at && (a.to === null || at < Date.parse(a.to));
    });
  }

  function worstMatch(list, areas, book) {
    var best = null;
    list.forEach(function (place) {
      areas.forEach(function (area) {
        if (areaMatches(place, area, book.digit_zeros) &&
            (best === null || book.levels[area.level] > book.levels[best.area.level])) {
          best = { area: area, place: place };
        }
      });
    });
    return best;
  }

  /* "36.55" → 366 (tenths, rounded half to even as Python's Decimal.quantize); null for nothing typed, NaN for
     what is not a temperature. */
  function tenths(value) {
    var typed = String(value === null || value === undefined ? "" : value).trim();
    if (!typed) return null;
    var m = /^(\d+)(?:\.(\d*))?$/.exec(typed);
    if (!m) return NaN;
    var whole = Number(m[1]) * 10 + Number((m[2] || "0")[0] || 0), rest = (m[2] || "").slice(1);
    if (/^50*$/.test(rest)) return whole % 2 ? whole + 1 : whole;  // exactly half: to the even tenth
    return rest && rest[0] >= "5" ? whole + 1 : whole;
  }

  function registering(instruction) { return instruction === LET_PASS ? REGISTER_NOTIFY : instruction; }

  function decision(instruction, rule, detail, level, area) {
    return { instruction: instruction, rule: rule, detail: detail, level: level, area: area };
  }

  /* facts: direction, origin, visited [], trip_destinations [], temperature (tenths or null), status_code, at (ms),
     platform_colour ("", "green", "yellow", "red" or "listed"), platform_reasons []. */
  function decide(facts, book) {
    var typed = facts.direction === "in" ? [facts.origin].concat(facts.visited) : [];
    var all = facts.direction === "in" ? typed.concat(facts.trip_destinations) : [];
    var match = worstMatch(all, active(book.areas, facts.at), book);
    if (match && typed.indexOf(match.place) < 0) match = { area: match.area, place: book.reported_trip };
    var fever = facts.temperature !== null && facts.temperature >= tenths(book.fever_threshold);
    var leaving = facts.direction === "out";
    var reasons = codePoints(facts.platform_reasons.filter(Boolean).join("；")).slice(0, 200).join("");
    var shownLevel = facts.status_code === "red" ? "high" : null;
    var colour = facts.platform_colour;

    if (colour === "red" || colour === "listed") {
      return decision(leaving ? TURN_BACK : CENTRAL_ISOLATION, colour === "red" ? "status_red" : "status_listed",
        reasons, shownLevel || (match ? match.area.level : null), match ? match.area : null);
    }
    if (facts.status_code === "red") return decision(CENTRAL_ISOLATION, "red_code", "", "high", null);
    if (match && match.area.level === "high") {
      return decision(book.protocol.high, "risk_area_high", match.place, "high", match.area);
    }
    var level = match ? match.area.level : (facts.status_code === "yellow" ? "low" : null);
    var area = match ? match.area : null, place = match ? match.place : "";
    if (fever) return decision(FEVER_CLINIC, "fever", (facts.temperature / 10).toFixed(1), level, area);
    if (colour === "yellow") {
      if (leaving) return decision(TURN_BACK, "status_yellow", reasons, null, null);
      if (!match) return decision(registering(book.protocol.low), "status_yellow", reasons, level, null);
    }
    if (match) {
      var instruction = book.protocol[match.area.level];
      if (colour === "yellow") instruction = registering(instruction);
      return decision(instruction, "risk_area_" + match.area.level, place, level, area);
    }
    if (facts.status_code === "yellow") return decision(registering(book.protocol.low), "yellow_code", "", "low", null);
    if (leaving) return decision(LET_PASS, "leaving", "", null, null);
    return decision(LET_PASS, "no_risk", "", null, null);
  }

  function describe(d, book) {
    if (d.detail === book.reported_trip && d.rule.indexOf("risk_area_") === 0) return book.reported_texts[d.rule];
    var area = d.area, where = area ? area.name + (area.notice ? "（" + area.notice + "）" : "") : "";
    var words = book.texts[d.rule] || d.rule;
    // A function, not a string, as the replacement: a "$&" typed in a place is text, not a pattern.
    return words.replace(/%\(where\)s/g, function () { return where; })
      .replace(/%\(detail\)s/g, function () { return d.detail; });
  }

  root.fangkongRules = {
    decide: decide, describe: describe, areaMatches: areaMatches, tenths: tenths, text: text, places: places,
  };
})(window);
