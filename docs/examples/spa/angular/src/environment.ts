// The Pandium origins your backend's PandiumConfig trusts: here the stand-in's (ng serve's environment).
export const environment = { pandiumOrigins: ["http://127.0.0.1:8001"] };
