export function AppFooter() {
  return (
    <footer className="app-footer">
      <span>Prices are simulated unless a feed is configured. Not investment advice.</span>
      <span>
        Charts by{" "}
        <a href="https://www.tradingview.com/" target="_blank" rel="noreferrer">
          TradingView Lightweight Charts
        </a>
        . Company data: datasets/s-and-p-500-companies (ODC PDDL 1.0).
      </span>
    </footer>
  );
}
