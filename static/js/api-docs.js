// Renders a version's OpenAPI document with Swagger UI (loaded from our static files).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: target.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger UI would otherwise send the document to validator.swagger.io.
    validatorUrl: null,
  });
});
