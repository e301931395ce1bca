// The card form on our own pages: Stripe.js card Elements confirm a SetupIntent (3-D Secure
// included), then the server saves the card and, on the subscribe page, charges the first fee;
// a payment the bank wants confirmed is confirmed here too. Errors are shown, nothing is lost.
(function () {
  const form = document.getElementById("card-form");
  if (!form) return;
  const errors = document.getElementById("card-errors");
  const button = form.querySelector("button[type=submit]");
  const stripe = Stripe(form.dataset.publishableKey);
  const elements = stripe.elements();
  const cardSlot = document.getElementById("card-element");
  const card = cardSlot ? elements.create("card") : null;
  if (card) card.mount(cardSlot);
  // localstripe's mock returns terse messages; these say what to do.
  const MESSAGES = {
    invalid_expiry_year: "Your card's expiry year is invalid.",
    card_declined: "Your card was declined. Use another card.",
    expired_card: "Your card has expired. Use another card.",
  };

  function show(message) {
    errors.textContent = message;
    errors.hidden = false;
    button.disabled = false;
  }

  async function post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: {"X-CSRFToken": form.dataset.csrf},
      body: new URLSearchParams(data),
    });
    const body = await response.json().catch(() => ({error: "Unexpected answer from the server."}));
    if (body.error) throw new Error(body.error);
    return body;
  }

  async function finish(body) {
    if (body.status === "requires_action") {
      const result = await stripe.confirmCardPayment(body.client_secret);
      if (result.error) {
        // The server re-reads the payment and voids it: nothing is charged.
        await post(body.confirm_url, {}).catch(() => null);
        throw new Error(result.error.message || "The payment was not authenticated.");
      }
      body = await post(body.confirm_url, {});
    }
    window.location.assign(body.redirect);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.hidden = true;
    button.disabled = true;
    try {
      const data = {};
      const useSaved = form.querySelector("input[name=use_saved]:checked");
      if (card && !(useSaved && useSaved.value === "yes")) {
        const result = await stripe.confirmCardSetup(form.dataset.clientSecret, {
          payment_method: {card: card},
        });
        if (result.error) {
          throw new Error(MESSAGES[result.error.code] || result.error.message || "Your card was refused.");
        }
        data.setup_intent = result.setupIntent.id;
      }
      await finish(await post(form.action, data));
    } catch (error) {
      show(error.message);
    }
  });
})();
