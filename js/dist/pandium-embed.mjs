import{define as e,prewarmOnIntent as n}from"./pure.mjs";export*from"./pure.mjs";queueMicrotask(()=>{e(),typeof document<"u"&&n()});
//# sourceMappingURL=pandium-embed.mjs.map
