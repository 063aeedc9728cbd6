// Swagger UI for /api/v1/docs, from local files (the page's CSP allows scripts from this site only).
window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
