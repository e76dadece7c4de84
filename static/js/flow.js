/* The question flow for the browser: show-if and the scales, as survey/domain/flow.py has them.
   The kiosk and the widget work offline, so they decide the next question themselves. Their
   builds (`make js`) inline this file in their own closure: plain declarations, ES5, no globals
   of its own. tests/domain/flow_cases.json runs the same cases through this file and Python.
   Rule: a question without show_if is shown; one with it is shown when its condition holds for
   the answers to questions shown before it. A missing answer (null, undefined, "") never meets
   a condition; a list answer meets it when any of its values does. */
var SCALES = {grade: [1, 10], nps: [0, 10], ces: [1, 7]};

function showIf(c, answers) {
  var given = answers[c.question];
  return given != null && given !== "" && [].concat(given).some(function (v) {
    return "equals" in c ? v === c.equals : "in" in c ? c["in"].indexOf(v) > -1
      : typeof v == "number" &&
        ("lte" in c ? v <= c.lte : "gte" in c ? v >= c.gte : "lt" in c ? v < c.lt : v > c.gt);
  });
}

/* The index of the first question after index i that is shown for these answers, or -1 when
   none is left; walking it from -1 visits exactly the shown questions. */
function nextShown(questions, answers, i) {
  for (var counted = {}, j = 0, q; (q = questions[j]); j++) {
    if (!q.show_if || showIf(q.show_if, counted)) {
      if (j > i) return j;
      counted[q.key] = answers[q.key];
    }
  }
  return -1;
}

/* Did these answers choose an option flagged as the complaint reason ("I want to make a
   complaint")? Then the thank-you screen points to the complaint page
   (survey/domain/complaints.py: complaint_chosen). */
function complaintChosen(questions, answers) {
  return questions.some(function (q) {
    return (q.options || []).some(function (o) {
      return o.complaint && [].concat(answers[q.key]).indexOf(o.code) > -1;
    });
  });
}
