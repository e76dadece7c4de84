/* Enrolment: trade the one-time token in the address for this tablet's secret. */
(function () {
  'use strict';
  var status = document.getElementById('status');
  var token = location.pathname.split('/').pop();
  fetch('/kiosk/api/enrol', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token: token})})
    .then(function (res) {
      if (!res.ok) throw res.status;
      return res.json();
    })
    .then(function (body) {
      localStorage.setItem('kto.device', body.secret);
      status.textContent = status.getAttribute('data-done');
      location.replace('/kiosk/');
    })
    .catch(function () {
      status.textContent = status.getAttribute('data-failed');
      status.className = 'failed';
    });
})();
