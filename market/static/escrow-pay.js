// The card payment page (templates/bidding/payments/escrow/pay.html, docs/rules.md §7): Stripe.js's
// card Element; on submit, the API starts (or reuses) the PaymentIntent, the card is tokenised by
// Stripe.js and charged by the server, a card that asks for authentication completes it with
// confirmCardPayment, then the form is posted: the server reads the intent back from Stripe and
// shows what Stripe says. Nothing here decides whether the contract is paid.
(function () {
  "use strict";
  var form = document.getElementById("escrow-pay");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("pay-button");

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.dataset.csrf,
      },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  function said(data) {
    if (data.detail) {
      return data.detail;
    }
    var fields = data.errors ? Object.values(data.errors) : [];
    return fields.length ? [].concat(fields[0]).join(" ") : form.dataset.failed;
  }

  function fail(text) {
    errors.textContent = text;
    button.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    try {
      var started = await post(form.dataset.start);
      if (!started.ok) {
        return fail(said(started.data));
      }
      if (!started.data.client_secret) {
        return form.submit(); // Stripe says it is paid already
      }
      var made = await stripe.createToken(card);
      if (!made || made.error || !made.token) {
        return fail((made && made.error && made.error.message) || form.dataset.noCard);
      }
      var charged = await post(form.dataset.confirm, { card_token: made.token.id });
      if (!charged.ok) {
        return fail(said(charged.data));
      }
      if (charged.data.requires_action) {
        // Its outcome is read back from Stripe by the server when the form is posted.
        await stripe.confirmCardPayment(charged.data.client_secret);
      }
      form.submit();
    } catch (error) {
      fail(form.dataset.unreachable);
    }
  });
})();
