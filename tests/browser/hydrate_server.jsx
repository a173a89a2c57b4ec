import { renderToString } from "react-dom/server";
import { View } from "./hydrate-view.jsx";

console.log(renderToString(<View />));
