/* The link page's repeat-answer protection, as the website widget's: a random id kept in this
   browser's localStorage (never a cookie) and sent with the answer. Without it the answer
   is simply stored without the id. */
(function () {
  "use strict";
  var field = document.querySelector('input[name="visitor"]');
  if (!field || !window.crypto || !window.crypto.getRandomValues) return;
  var key = "kto-link-visitor", id = null;
  try {
    id = window.localStorage.getItem(key);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      window.localStorage.setItem(key, id);
    }
  } catch (e) {
    return; // storage switched off: answer without an id
  }
  field.value = id;
})();
